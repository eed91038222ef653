// pg_trgm: trigram indexes make "contains" searches (ILIKE '%ann%') over 100,000 clients an index scan.
// A trusted extension since PostgreSQL 13: the database's owner may create it.
export async function up(queryInterface) {
  await queryInterface.sequelize.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP EXTENSION IF EXISTS pg_trgm');
}
