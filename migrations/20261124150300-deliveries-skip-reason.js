// Why a delivery was skipped: the client unsubscribed, or its address bounced. Issue 11, points 3 and 4.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE deliveries ADD COLUMN skip_reason varchar(20)
      CONSTRAINT deliveries_skip_reason_valid CHECK (skip_reason IN ('unsubscribed', 'bounced')),
      ADD CONSTRAINT deliveries_skipped_has_reason CHECK ((status = 'skipped') = (skip_reason IS NOT NULL));
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('ALTER TABLE deliveries DROP COLUMN skip_reason');
}
