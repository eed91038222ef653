// The picker's and the list's "contains" searches look only at one owner's clients: the trigram indexes on the
// e-mail and the name lead with owner_id (btree_gin lets a GIN index hold the integer), so a piece found in every
// owner's clients ("gmail", "Иван") reads the owner's candidates only, not the whole table's. Without an owner
// the same indexes still serve the ILIKE (a GIN index answers a condition on any of its columns), so the two
// single-column trigram indexes they replace go. btree_gin is a trusted extension (PostgreSQL 13+), like pg_trgm.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE EXTENSION IF NOT EXISTS btree_gin;
    CREATE INDEX clients_owner_email_trgm_idx ON clients USING gin (owner_id, email gin_trgm_ops);
    CREATE INDEX clients_owner_full_name_trgm_idx ON clients USING gin (owner_id, full_name gin_trgm_ops);
    DROP INDEX clients_email_trgm_idx;
    DROP INDEX clients_full_name_trgm_idx;
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE INDEX clients_email_trgm_idx ON clients USING gin (email gin_trgm_ops);
    CREATE INDEX clients_full_name_trgm_idx ON clients USING gin (full_name gin_trgm_ops);
    DROP INDEX clients_owner_email_trgm_idx;
    DROP INDEX clients_owner_full_name_trgm_idx;
    DROP EXTENSION IF EXISTS btree_gin;
  `);
}
