// The groups managers and content_managers with their permission codenames (logic in src/db/seeds, compiled).
import { loadSeeds } from './lib/load-seeds.js';

export async function up(queryInterface) {
  const { seeds } = await loadSeeds();
  await seeds.seedGroups(queryInterface.sequelize);
}

export async function down() {
  // Demo groups may have been given members and permissions since: undoing the seed leaves them.
}
