// Membership of users in groups; removing a user or a group removes the membership.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE user_groups (
      user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      group_id   integer NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, group_id)
    );
    CREATE INDEX user_groups_group_id_idx ON user_groups (group_id);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE user_groups');
}
