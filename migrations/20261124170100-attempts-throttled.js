// An attempt says whether the send-rate limit made it wait (issue 14 point 1): shown in its report.
export async function up(queryInterface) {
  await queryInterface.sequelize.query('ALTER TABLE attempts ADD COLUMN throttled boolean NOT NULL DEFAULT false;');
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('ALTER TABLE attempts DROP COLUMN throttled;');
}
