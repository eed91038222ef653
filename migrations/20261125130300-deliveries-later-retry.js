// A delivery's later-retry state (issue 14 point 4): when its next later try is due (while `retrying`) and how
// many later tries of its run it had (which delay of RETRY_LATER comes next, and when it fails for good).
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE deliveries ADD COLUMN retry_at timestamptz, ADD COLUMN later_tries integer NOT NULL DEFAULT 0;
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('ALTER TABLE deliveries DROP COLUMN retry_at, DROP COLUMN later_tries;');
}
