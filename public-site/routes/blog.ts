// The blog: the list of published posts (cached, paginated) and a post's page, which counts a view.
import { Router } from 'express';
import type { Models } from '../../src/models/index.js';
import { countView, publishedPosts, type PostPage } from '../../src/site/posts.js';
import type { SiteCache } from '../site-cache.js';
import { sendView } from '../render.js';
import { asyncRoute } from './async-route.js';
import { shownImage } from '../../src/site/blog-images.js';
import { sendNotFound } from './not-found.js';

const MAX_PAGE = 10_000;

export function blogRouter(models: Models, cache: SiteCache, perPage: number): Router {
  const router = Router();

  router.get(
    '/blog',
    asyncRoute(async (req, res) => {
      const asked = Number.parseInt(String(req.query.page ?? '1'), 10);
      const page = Number.isInteger(asked) && asked >= 1 && asked <= MAX_PAGE ? asked : 1;
      const list = await cache.get<PostPage>(`blog:page:${page}`, async () => ({ value: await publishedPosts(models, { page, perPage }) }));
      const posts = list.posts.map((post) => ({ ...post, image: shownImage(post.id, post.image) }));
      await sendView(res, 'blog', { list: { ...list, posts } });
    }),
  );

  router.get(
    '/blog/:id',
    asyncRoute(async (req, res) => {
      const id = /^\d{1,10}$/.test(req.params.id ?? '') ? Number(req.params.id) : NaN;
      const post = await countView(models, id);
      if (!post) {
        await sendNotFound(res);
        return;
      }
      // every open is a view: no shared cache may answer in our place
      res.set('Cache-Control', 'no-store');
      await sendView(res, 'post', { post: { ...post, image: shownImage(post.id, post.image) } });
    }),
  );

  return router;
}
