// Deliveries may be `skipped`: the recipient was in the run's snapshot but is not sent to (unsubscribed, or
// bounced). Issue 11, points 3 and 4. The constraint is rebuilt from the one in place, so statuses other
// migrations of the same day add are kept whichever runs first.
async function allowedStatuses(sequelize) {
  const [rows] = await sequelize.query(
    `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
     WHERE conname = 'deliveries_status_valid' AND connamespace = 'public'::regnamespace`,
  );
  return [...String(rows[0]?.definition ?? '').matchAll(/'([^']*)'/g)].map((match) => match[1]);
}

async function replaceConstraint(sequelize, statuses) {
  const list = statuses.map((status) => `'${status.replace(/'/g, "''")}'`).join(', ');
  await sequelize.query(`
    ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_valid;
    ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_valid CHECK (status IN (${list}));
  `);
}

export async function up(queryInterface) {
  const statuses = await allowedStatuses(queryInterface.sequelize);
  if (!statuses.includes('skipped')) await replaceConstraint(queryInterface.sequelize, [...statuses, 'skipped']);
}

export async function down(queryInterface) {
  const statuses = await allowedStatuses(queryInterface.sequelize);
  // nothing was sent to them: the nearest older status
  await queryInterface.sequelize.query(`UPDATE deliveries SET status = 'cancelled' WHERE status = 'skipped'`);
  await replaceConstraint(queryInterface.sequelize, statuses.filter((status) => status !== 'skipped'));
}
