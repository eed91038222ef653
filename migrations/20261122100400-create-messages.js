// Messages: a subject and a body a user sends in mailings.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE messages (
      id         serial PRIMARY KEY,
      owner_id   integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      subject    varchar(255) NOT NULL CONSTRAINT messages_subject_not_blank CHECK (btrim(subject) <> ''),
      body       text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX messages_owner_id_idx ON messages (owner_id);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE messages');
}
