// When the delivery rows of a run were deleted by the retention job (DELIVERY_RETENTION_DAYS): the attempt keeps
// its counts and first server answer, and the reports say the details are gone and since when.
export async function up(queryInterface) {
  await queryInterface.sequelize.query('ALTER TABLE attempts ADD COLUMN details_pruned_at timestamptz');
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('ALTER TABLE attempts DROP COLUMN details_pruned_at');
}
