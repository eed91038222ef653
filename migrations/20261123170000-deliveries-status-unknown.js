// Deliveries may be `unknown`: the whole message went to the mail server but its answer to the end of DATA never
// came or was garbage, so it may have been accepted; such a delivery is not sent again. Issue 10, point 2.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_valid;
    ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_valid CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'unknown'));
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    UPDATE deliveries SET status = 'failed' WHERE status = 'unknown';
    ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_valid;
    ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_valid CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled'));
  `);
}
