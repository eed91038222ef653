// Deleting a mailing keeps its reports: its attempts (and their deliveries) stay, with mailing_id NULL, readable
// by the owner through attempts.owner_id and labelled by attempts.mailing_label. Was ON DELETE CASCADE.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE attempts ALTER COLUMN mailing_id DROP NOT NULL;
    ALTER TABLE attempts DROP CONSTRAINT attempts_mailing_id_fkey;
    ALTER TABLE attempts ADD CONSTRAINT attempts_mailing_id_fkey FOREIGN KEY (mailing_id) REFERENCES mailings (id) ON DELETE SET NULL;
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    DELETE FROM attempts WHERE mailing_id IS NULL;
    ALTER TABLE attempts DROP CONSTRAINT attempts_mailing_id_fkey;
    ALTER TABLE attempts ADD CONSTRAINT attempts_mailing_id_fkey FOREIGN KEY (mailing_id) REFERENCES mailings (id) ON DELETE CASCADE;
    ALTER TABLE attempts ALTER COLUMN mailing_id SET NOT NULL;
  `);
}
