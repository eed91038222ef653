// A mailing may go to all its owner's clients (resolved when each run starts), besides chosen clients and tags.
export async function up(queryInterface) {
  await queryInterface.sequelize.query('ALTER TABLE mailings ADD COLUMN audience_all boolean NOT NULL DEFAULT false');
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('ALTER TABLE mailings DROP COLUMN audience_all');
}
