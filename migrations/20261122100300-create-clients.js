// Clients: the recipients a user keeps; one e-mail (whatever its case) once per owner.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE clients (
      id         serial PRIMARY KEY,
      owner_id   integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      email      varchar(254) NOT NULL CONSTRAINT clients_email_not_blank CHECK (btrim(email) <> ''),
      full_name  varchar(200) NOT NULL DEFAULT '',
      comment    text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX clients_owner_email_unique ON clients (owner_id, lower(email));
    CREATE INDEX clients_lower_email_idx ON clients (lower(email));
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE clients');
}
