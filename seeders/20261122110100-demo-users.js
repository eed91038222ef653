// The five demo accounts, verified, with the password from SEED_PASSWORD (required in production).
import { loadSeeds } from './lib/load-seeds.js';

export async function up(queryInterface) {
  const { seeds, config } = await loadSeeds();
  await seeds.seedUsers(queryInterface.sequelize, config.seedPassword);
}

export async function down(queryInterface) {
  const { seeds } = await loadSeeds();
  await queryInterface.sequelize.query('DELETE FROM users WHERE lower(email) IN (:emails)', {
    replacements: { emails: seeds.SEED_USERS.map((user) => user.email) },
  });
}
