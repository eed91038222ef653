// An attempt may be `retrying` (issue 14 point 4): its run sent what it could, and some recipients wait for a later
// try (after 5, 30, 120 minutes by default). It is unfinished, held by no process while it waits: the mailing still
// has at most one unfinished run (running, paused or retrying). The constraint is rebuilt from the one in place, so
// statuses other migrations add are kept whichever runs first.
async function allowedStatuses(sequelize) {
  const [rows] = await sequelize.query(
    `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
     WHERE conname = 'attempts_status_valid' AND connamespace = 'public'::regnamespace`,
  );
  return [...String(rows[0]?.definition ?? '').matchAll(/'([^']*)'/g)].map((match) => match[1]);
}

async function replaceConstraint(sequelize, statuses) {
  const list = statuses.map((status) => `'${status.replace(/'/g, "''")}'`).join(', ');
  await sequelize.query(`
    ALTER TABLE attempts DROP CONSTRAINT attempts_status_valid;
    ALTER TABLE attempts ADD CONSTRAINT attempts_status_valid CHECK (status IN (${list}));
  `);
}

export async function up(queryInterface) {
  const statuses = await allowedStatuses(queryInterface.sequelize);
  if (!statuses.includes('retrying')) await replaceConstraint(queryInterface.sequelize, [...statuses, 'retrying']);
  await queryInterface.sequelize.query(`
    DROP INDEX attempts_one_unfinished_per_mailing;
    CREATE UNIQUE INDEX attempts_one_unfinished_per_mailing ON attempts (mailing_id) WHERE status IN ('running', 'paused', 'retrying');
  `);
}

export async function down(queryInterface) {
  // a waiting run goes back to `running`: the resume sweep of that version sends the waiting recipients at once
  await queryInterface.sequelize.query(`
    UPDATE attempts SET status = 'running', locked_by = NULL, locked_until = now() - interval '1 second' WHERE status = 'retrying';
    DROP INDEX attempts_one_unfinished_per_mailing;
    CREATE UNIQUE INDEX attempts_one_unfinished_per_mailing ON attempts (mailing_id) WHERE status IN ('running', 'paused');
  `);
  const statuses = await allowedStatuses(queryInterface.sequelize);
  await replaceConstraint(queryInterface.sequelize, statuses.filter((status) => status !== 'retrying'));
}
