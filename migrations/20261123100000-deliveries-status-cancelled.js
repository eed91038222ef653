// Deliveries may be `cancelled`: the recipients a run had not reached when it was stopped (a manager disabled the
// mailing, its owner was blocked, or it was deleted). Issue 8, spec rule 5.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_valid;
    ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_valid CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled'));
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    UPDATE deliveries SET status = 'failed' WHERE status = 'cancelled';
    ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_valid;
    ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_valid CHECK (status IN ('pending', 'sending', 'sent', 'failed'));
  `);
}
