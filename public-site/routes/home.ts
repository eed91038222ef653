// The landing page: cached service figures and three random published posts.
import { Router } from 'express';
import type { Models } from '../../src/models/index.js';
import { homeStats } from '../../src/site/home-stats.js';
import { postPool } from '../../src/site/posts.js';
import type { SiteCache } from '../site-cache.js';
import { pageLocals, renderView } from '../render.js';
import type { SiteLocals } from '../i18n.js';
import { asyncRoute } from './async-route.js';
import { shownImage } from '../../src/site/blog-images.js';

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

/** The home page rendered once per cache fill: the page around the posts, and each post's card. */
interface HomeFragments {
  before: string;
  after: string;
  cards: string[];
}

const POSTS_SLOT = '\u0000posts\u0000';

async function renderFragments(models: Models, onlyThree: boolean, locals: SiteLocals): Promise<{ value: HomeFragments; ttlMs?: number }> {
  const [stats, pool] = await Promise.all([homeStats(models), postPool(models)]);
  const { nextPublicationAt } = pool;
  // without a cache nothing is reused: render only the three cards this request shows
  const posts = onlyThree ? pickRandom(pool.posts, 3) : pool.posts;
  const cards = await Promise.all(posts.map((post) => renderView('partials/home-post', { ...locals, post: { ...post, image: shownImage(post.id, post.image) } })));
  const page = await renderView('home', { ...locals, currentUrl: '/', stats, hasPosts: cards.length > 0, postsHtml: POSTS_SLOT, currentPath: '/', csrfToken: undefined });
  const slot = page.indexOf(POSTS_SLOT);
  const value = slot === -1 ? { before: page, after: '', cards: [] } : { before: page.slice(0, slot), after: page.slice(slot + POSTS_SLOT.length), cards };
  // a post dated in the future goes live on time, not a time-to-live later
  return { value, ttlMs: nextPublicationAt ? Math.max(1, nextPublicationAt.getTime() - Date.now()) : undefined };
}

/**
 * Renders the home page. The figures and the posts are read and rendered once per cache fill and language; a
 * request served from the cache only picks three cards at random and joins strings: no query, no template.
 */
export function homePageRenderer(models: Models, cache: SiteCache): (locals: SiteLocals) => Promise<string> {
  return async (locals) => {
    const page = await cache.get(`home:page:${locals.lang}`, () => renderFragments(models, !cache.enabled, locals));
    return page.before + pickRandom(page.cards, 3).join('') + page.after;
  };
}

export function homeRouter(render: (locals: SiteLocals) => Promise<string>, fallback: SiteLocals): Router {
  const router = Router();
  router.get(
    '/',
    asyncRoute(async (_req, res) => {
      res.set('Cache-Control', 'no-cache');
      res.type('html').send(await render({ ...fallback, ...pageLocals(res) }));
    }),
  );
  return router;
}
