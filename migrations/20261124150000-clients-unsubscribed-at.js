// Clients may unsubscribe (RFC 8058 one-click, or the page their mail links to): from then on no mailing of their
// owner sends to them. Only the recipient can undo it (the same page). Issue 11, point 3.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE clients ADD COLUMN unsubscribed_at timestamptz;
    CREATE INDEX clients_owner_unsubscribed_idx ON clients (owner_id, unsubscribed_at) WHERE unsubscribed_at IS NOT NULL;
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('ALTER TABLE clients DROP COLUMN unsubscribed_at');
}
