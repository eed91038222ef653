// Users: the people who log in to the back office. E-mail is unique whatever its case.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE users (
      id            serial PRIMARY KEY,
      email         varchar(254) NOT NULL CONSTRAINT users_email_not_blank CHECK (btrim(email) <> ''),
      password_hash varchar(255) NOT NULL,
      full_name     varchar(200) NOT NULL DEFAULT '',
      verified_at   timestamptz,
      blocked_at    timestamptz,
      blocked_by_id integer REFERENCES users (id) ON DELETE SET NULL,
      is_superuser  boolean NOT NULL DEFAULT false,
      last_login_at timestamptz,
      created_at    timestamptz NOT NULL DEFAULT now(),
      updated_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_email_unique ON users (lower(email));
    CREATE INDEX users_blocked_by_id_idx ON users (blocked_by_id);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE users');
}
