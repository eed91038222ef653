// A few published blog posts with images, and one draft.
import { loadSeeds } from './lib/load-seeds.js';

export async function up(queryInterface) {
  const { seeds } = await loadSeeds();
  await seeds.seedBlog(queryInterface.sequelize);
}

export async function down(queryInterface) {
  await queryInterface.sequelize.query("DELETE FROM blog_posts WHERE image LIKE '/static/blog/%' OR title LIKE '%(draft)'");
}
