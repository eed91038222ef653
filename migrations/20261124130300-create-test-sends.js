// "Send a test to me": each test mail a user sent themselves, apart from the reports (not an attempt). It is what
// the rate limit counts, across every web process.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE test_sends (
      id         bigserial PRIMARY KEY,
      user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      message_id integer REFERENCES messages (id) ON DELETE SET NULL,
      email      varchar(320) NOT NULL,
      sent_at    timestamptz NOT NULL DEFAULT now(),
      response   text
    );
    CREATE INDEX test_sends_user_sent_at_idx ON test_sends (user_id, sent_at);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE test_sends');
}
