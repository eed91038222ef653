// A client whose address the receiving server says does not exist (a hard bounce) is marked with when and the
// server's answer; runs skip it until the owner clears the mark. Issue 11, point 4.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE clients ADD COLUMN bounced_at timestamptz, ADD COLUMN bounce_response text;
    CREATE INDEX clients_owner_bounced_idx ON clients (owner_id, bounced_at) WHERE bounced_at IS NOT NULL;
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('ALTER TABLE clients DROP COLUMN bounced_at, DROP COLUMN bounce_response');
}
