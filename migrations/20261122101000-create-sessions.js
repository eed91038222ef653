// Web sessions (connect-pg-simple's layout), so web processes stay stateless; user_id lets a block end them at once.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE sessions (
      sid    varchar NOT NULL PRIMARY KEY,
      sess   json NOT NULL,
      expire timestamp(6) NOT NULL
    );
    CREATE INDEX sessions_expire_idx ON sessions (expire);
    CREATE INDEX sessions_user_idx ON sessions (((sess -> 'adminUser' ->> 'id')));
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE sessions');
}
