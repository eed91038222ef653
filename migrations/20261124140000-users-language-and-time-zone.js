// A person's own language ('en' or 'ru') and time zone (an IANA name, checked by the model): both empty means the
// service's defaults (the browser's Accept-Language or APP_LOCALE; APP_TIMEZONE). One change: the profile's
// language-and-time settings, read together by every screen and account e-mail.
export async function up(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE users ADD COLUMN language varchar(8);
    ALTER TABLE users ADD CONSTRAINT users_language_valid CHECK (language IS NULL OR language IN ('en', 'ru'));
    ALTER TABLE users ADD COLUMN time_zone varchar(64);
  `);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query(`
    ALTER TABLE users DROP CONSTRAINT users_language_valid;
    ALTER TABLE users DROP COLUMN time_zone;
    ALTER TABLE users DROP COLUMN language;
  `);
}
