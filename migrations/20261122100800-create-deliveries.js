// Deliveries: one per recipient per attempt, the unit that makes a run resumable and the reports precise.
// The e-mail is a snapshot; a deleted client leaves its deliveries with client_id NULL.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE deliveries (
      id            bigserial PRIMARY KEY,
      attempt_id    integer NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
      client_id     integer REFERENCES clients (id) ON DELETE SET NULL,
      email         varchar(254) NOT NULL,
      status        varchar(10) NOT NULL DEFAULT 'pending'
                    CONSTRAINT deliveries_status_valid CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
      tries         integer NOT NULL DEFAULT 0 CONSTRAINT deliveries_tries_valid CHECK (tries >= 0),
      response_code integer,
      response      text,
      sent_at       timestamptz,
      created_at    timestamptz NOT NULL DEFAULT now(),
      updated_at    timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT deliveries_one_per_client UNIQUE (attempt_id, client_id)
    );
    CREATE INDEX deliveries_client_id_idx ON deliveries (client_id);
    CREATE INDEX deliveries_attempt_status_idx ON deliveries (attempt_id, status, id);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE deliveries');
}
