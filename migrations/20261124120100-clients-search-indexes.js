// The clients list, its search and the mailing form's picker over 100,000 clients of one owner: trigram indexes
// on the e-mail and the name (they serve ILIKE '%…%', any case, Cyrillic included: the list's filters and the
// picker), and the owner's clients by id.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE INDEX clients_email_trgm_idx ON clients USING gin (email gin_trgm_ops);
    CREATE INDEX clients_full_name_trgm_idx ON clients USING gin (full_name gin_trgm_ops);
    CREATE INDEX clients_owner_id_id_idx ON clients (owner_id, id);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    DROP INDEX clients_email_trgm_idx;
    DROP INDEX clients_full_name_trgm_idx;
    DROP INDEX clients_owner_id_id_idx;
  `);
}
