// The rows an import refused: line number in the file, the e-mail as written, and why (downloadable as CSV).
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE client_import_refusals (
      import_id integer NOT NULL REFERENCES client_imports (id) ON DELETE CASCADE,
      line      integer NOT NULL,
      email     text NOT NULL DEFAULT '',
      reason    text NOT NULL,
      PRIMARY KEY (import_id, line)
    );
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE client_import_refusals');
}
