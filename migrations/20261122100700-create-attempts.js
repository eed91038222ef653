// Attempts: one per run of a mailing, identified by the run's scheduled time so a run is never made twice.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE attempts (
      id               serial PRIMARY KEY,
      mailing_id       integer NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
      scheduled_for    timestamptz NOT NULL,
      attempted_at     timestamptz NOT NULL DEFAULT now(),
      finished_at      timestamptz,
      status           varchar(10) NOT NULL DEFAULT 'running'
                       CONSTRAINT attempts_status_valid CHECK (status IN ('running', 'success', 'failure')),
      trigger          varchar(10) NOT NULL
                       CONSTRAINT attempts_trigger_valid CHECK (trigger IN ('schedule', 'cli', 'manual')),
      server_response  text,
      recipients_count integer NOT NULL DEFAULT 0 CONSTRAINT attempts_recipients_count_valid CHECK (recipients_count >= 0),
      sent_count       integer NOT NULL DEFAULT 0 CONSTRAINT attempts_sent_count_valid CHECK (sent_count >= 0),
      failed_count     integer NOT NULL DEFAULT 0 CONSTRAINT attempts_failed_count_valid CHECK (failed_count >= 0),
      locked_by        varchar(100),
      locked_until     timestamptz,
      created_at       timestamptz NOT NULL DEFAULT now(),
      updated_at       timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT attempts_one_per_run UNIQUE (mailing_id, scheduled_for),
      CONSTRAINT attempts_counts_add_up CHECK (sent_count + failed_count <= recipients_count)
    );
    CREATE INDEX attempts_attempted_at_idx ON attempts (attempted_at);
    CREATE INDEX attempts_unfinished_idx ON attempts (mailing_id) WHERE status = 'running';
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE attempts');
}
