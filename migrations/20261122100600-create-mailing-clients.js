// The clients a mailing goes to (many-to-many); deleting either side removes the link only.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE mailing_clients (
      mailing_id integer NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
      client_id  integer NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (mailing_id, client_id)
    );
    CREATE INDEX mailing_clients_client_id_idx ON mailing_clients (client_id);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE mailing_clients');
}
