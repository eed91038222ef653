// The landing page: cached service figures and three random published posts.
import { Router } from 'express';
import type { Models } from '../../src/models/index.js';
import { homeStats } from '../../src/site/home-stats.js';
import { postPool, type PostSummary } from '../../src/site/posts.js';
import type { SiteCache } from '../site-cache.js';
import { renderView } from '../render.js';
import { asyncRoute } from './async-route.js';
import { publicImage } from './public-image.js';

/** Up to n distinct items in random order (partial Fisher–Yates on a copy). */
export function pickRandom<T>(items: readonly T[], n: number): T[] {
  const copy = items.slice();
  const count = Math.min(n, copy.length);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}

/** Renders the home page: from the cache when it is warm, so a hit asks the database nothing. */
export function homePageRenderer(models: Models, cache: SiteCache): () => Promise<string> {
  return async () => {
    const [stats, pool] = await Promise.all([
      cache.get('home:stats', async () => ({ value: await homeStats(models) })),
      cache.get('home:posts', async () => {
        const { posts, nextPublicationAt } = await postPool(models);
        // a post dated in the future goes live on time, not a time-to-live later
        return { value: posts, ttlMs: nextPublicationAt ? Math.max(1, nextPublicationAt.getTime() - Date.now()) : undefined };
      }),
    ]);
    const posts = pickRandom(pool as PostSummary[], 3).map((post) => ({ ...post, image: publicImage(post.image) }));
    return renderView('home', { stats, posts, currentPath: '/', csrfToken: undefined });
  };
}

export function homeRouter(render: () => Promise<string>): Router {
  const router = Router();
  router.get(
    '/',
    asyncRoute(async (_req, res) => {
      res.set('Cache-Control', 'no-cache');
      res.type('html').send(await render());
    }),
  );
  return router;
}
