// Mailings: one message to many clients from start to end, daily, weekly or monthly.
// A message used by a mailing cannot be deleted (RESTRICT): the mailing would lose what it sends.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE mailings (
      id             serial PRIMARY KEY,
      owner_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      message_id     integer NOT NULL REFERENCES messages (id) ON DELETE RESTRICT,
      start_at       timestamptz NOT NULL,
      end_at         timestamptz NOT NULL,
      periodicity    varchar(10) NOT NULL
                     CONSTRAINT mailings_periodicity_valid CHECK (periodicity IN ('daily', 'weekly', 'monthly')),
      status         varchar(10) NOT NULL DEFAULT 'created'
                     CONSTRAINT mailings_status_valid CHECK (status IN ('created', 'running', 'completed')),
      disabled_at    timestamptz,
      disabled_by_id integer REFERENCES users (id) ON DELETE SET NULL,
      next_run_at    timestamptz,
      last_run_at    timestamptz,
      created_at     timestamptz NOT NULL DEFAULT now(),
      updated_at     timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT mailings_end_after_start CHECK (end_at > start_at)
    );
    CREATE INDEX mailings_owner_id_idx ON mailings (owner_id);
    CREATE INDEX mailings_message_id_idx ON mailings (message_id);
    CREATE INDEX mailings_disabled_by_id_idx ON mailings (disabled_by_id);
    CREATE INDEX mailings_next_run_at_idx ON mailings (next_run_at) WHERE next_run_at IS NOT NULL;
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE mailings');
}
