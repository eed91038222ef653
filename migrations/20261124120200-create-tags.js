// Tags: a user's own labels for clients ("vip", "Москва"); one name (whatever its case) once per owner.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE tags (
      id         serial PRIMARY KEY,
      owner_id   integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name       varchar(100) NOT NULL CONSTRAINT tags_name_not_blank CHECK (btrim(name) <> ''),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX tags_owner_name_unique ON tags (owner_id, lower(name));
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE tags');
}
