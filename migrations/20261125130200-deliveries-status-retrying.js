// Deliveries may be `retrying` (issue 14 point 4): a temporary failure still failing after the run's own retries
// (or a recipient not tried because the server was found dead) waits for a later try of the same run.
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
  if (!statuses.includes('retrying')) await replaceConstraint(queryInterface.sequelize, [...statuses, 'retrying']);
}

export async function down(queryInterface) {
  const statuses = await allowedStatuses(queryInterface.sequelize);
  // a waiting delivery failed with its last answer
  await queryInterface.sequelize.query(`UPDATE deliveries SET status = 'failed' WHERE status = 'retrying'`);
  await replaceConstraint(queryInterface.sequelize, statuses.filter((status) => status !== 'retrying'));
}
