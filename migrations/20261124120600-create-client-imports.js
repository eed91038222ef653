// A CSV import between its preview and its confirmation (the file waits under DATA_DIR), and its result. The
// result (status 'done', counts) is written in the transaction that writes the clients: a killed import stays
// 'pending' with started_at set, and nothing of it is in the database.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE client_imports (
      id           serial PRIMARY KEY,
      owner_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      file_name    varchar(255) NOT NULL DEFAULT '',
      file_path    text NOT NULL,
      size_bytes   bigint NOT NULL,
      encoding     varchar(20) NOT NULL,
      delimiter    varchar(1) NOT NULL,
      status       varchar(10) NOT NULL DEFAULT 'pending' CONSTRAINT client_imports_status_valid CHECK (status IN ('pending', 'done')),
      mapping      jsonb,
      on_duplicate varchar(10) CONSTRAINT client_imports_on_duplicate_valid CHECK (on_duplicate IN ('update', 'skip')),
      started_at   timestamptz,
      finished_at  timestamptz,
      added        integer NOT NULL DEFAULT 0,
      updated      integer NOT NULL DEFAULT 0,
      skipped      integer NOT NULL DEFAULT 0,
      refused      integer NOT NULL DEFAULT 0,
      created_at   timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX client_imports_owner_id_idx ON client_imports (owner_id, id);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE client_imports');
}
