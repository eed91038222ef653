// The name a user's mailings are sent from (From: "<sender name>" <MAIL_FROM's address>); empty means their full
// name. Issue 11, point 5.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`ALTER TABLE users ADD COLUMN sender_name varchar(200) NOT NULL DEFAULT ''`);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query('ALTER TABLE users DROP COLUMN sender_name');
}
