// The tags a mailing targets: every client carrying one of them when a run starts receives that run.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE mailing_tags (
      mailing_id integer NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
      tag_id     integer NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
      PRIMARY KEY (mailing_id, tag_id)
    );
    CREATE INDEX mailing_tags_tag_id_idx ON mailing_tags (tag_id);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE mailing_tags');
}
