// The service-wide send-rate limit (SEND_RATE, issue 14 point 1): one row per limit holding the next free send
// slot. A process reserves slots with one atomic UPDATE (virtual scheduling, GCRA), so every process that sends
// shares the limit through PostgreSQL alone (src/sending/rate-limit.ts).
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE send_rate_limits (
      name varchar(100) PRIMARY KEY,
      next_slot timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE send_rate_limits;');
}
