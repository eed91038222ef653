// An attempt may be `cancelled`: a run stopped by a person, with who (cancelled_by_id) and why (cancel_reason,
// e.g. "disabled by manager@example.com"). A cancelled run is finished: it is never resumed.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE attempts DROP CONSTRAINT attempts_status_valid;
    ALTER TABLE attempts ADD CONSTRAINT attempts_status_valid CHECK (status IN ('running', 'success', 'failure', 'cancelled'));
    ALTER TABLE attempts ADD COLUMN cancelled_by_id integer REFERENCES users (id) ON DELETE SET NULL;
    ALTER TABLE attempts ADD COLUMN cancel_reason text;
    CREATE INDEX attempts_cancelled_by_id_idx ON attempts (cancelled_by_id) WHERE cancelled_by_id IS NOT NULL;
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    UPDATE attempts SET status = 'failure' WHERE status = 'cancelled';
    ALTER TABLE attempts DROP COLUMN cancel_reason;
    ALTER TABLE attempts DROP COLUMN cancelled_by_id;
    ALTER TABLE attempts DROP CONSTRAINT attempts_status_valid;
    ALTER TABLE attempts ADD CONSTRAINT attempts_status_valid CHECK (status IN ('running', 'success', 'failure'));
  `);
}
