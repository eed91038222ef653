// The tags a client carries (many-to-many); deleting either side removes the link only.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE client_tags (
      tag_id    integer NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
      client_id integer NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
      PRIMARY KEY (tag_id, client_id)
    );
    CREATE INDEX client_tags_client_id_idx ON client_tags (client_id);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE client_tags');
}
