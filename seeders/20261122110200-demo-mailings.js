// Clients, messages, and a mailing in every status (with a report) for each of the two demo users.
import { loadSeeds } from './lib/load-seeds.js';

export async function up(queryInterface) {
  const { seeds } = await loadSeeds();
  await seeds.seedDemoData(queryInterface.sequelize);
}

export async function down() {
  // The demo users' data goes with them (ON DELETE CASCADE) when the users seed is undone.
}
