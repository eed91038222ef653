// When a `retrying` attempt's next later try is due (issue 14 point 4): the earliest of its waiting deliveries'
// tries, or the mailing's end when that comes first. The sweep of every process looks for the due ones.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE attempts ADD COLUMN next_retry_at timestamptz;
    CREATE INDEX attempts_retrying_due ON attempts (next_retry_at) WHERE status = 'retrying';
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    DROP INDEX attempts_retrying_due;
    ALTER TABLE attempts DROP COLUMN next_retry_at;
  `);
}
