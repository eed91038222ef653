// An attempt may be `paused` (issue 14 point 3): a person stopped sending it for now; its unsent deliveries stay
// pending and no process resumes it until a person resumes it. A paused run is unfinished: the mailing still has
// at most one unfinished run (running or paused).
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE attempts DROP CONSTRAINT attempts_status_valid;
    ALTER TABLE attempts ADD CONSTRAINT attempts_status_valid CHECK (status IN ('running', 'paused', 'success', 'failure', 'cancelled'));
    DROP INDEX attempts_one_unfinished_per_mailing;
    CREATE UNIQUE INDEX attempts_one_unfinished_per_mailing ON attempts (mailing_id) WHERE status IN ('running', 'paused');
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    UPDATE attempts SET status = 'running' WHERE status = 'paused';
    DROP INDEX attempts_one_unfinished_per_mailing;
    CREATE UNIQUE INDEX attempts_one_unfinished_per_mailing ON attempts (mailing_id) WHERE status = 'running';
    ALTER TABLE attempts DROP CONSTRAINT attempts_status_valid;
    ALTER TABLE attempts ADD CONSTRAINT attempts_status_valid CHECK (status IN ('running', 'success', 'failure', 'cancelled'));
  `);
}
