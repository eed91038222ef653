// Groups: named sets of permission codenames; access checks test the permissions, never the names.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE groups (
      id          serial PRIMARY KEY,
      name        varchar(100) NOT NULL CONSTRAINT groups_name_not_blank CHECK (btrim(name) <> ''),
      permissions text[] NOT NULL DEFAULT '{}',
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX groups_name_unique ON groups (lower(name));
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE groups');
}
