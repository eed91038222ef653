// Single-use, expiring tokens for e-mail verification and password reset; only their hash is stored.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    CREATE TABLE account_tokens (
      id         serial PRIMARY KEY,
      user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      purpose    varchar(10) NOT NULL CONSTRAINT account_tokens_purpose_valid CHECK (purpose IN ('verify', 'reset')),
      token_hash char(64) NOT NULL CONSTRAINT account_tokens_hash_unique UNIQUE,
      expires_at timestamptz NOT NULL,
      used_at    timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX account_tokens_user_id_idx ON account_tokens (user_id, purpose);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('DROP TABLE account_tokens');
}
