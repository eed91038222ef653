// Published blog posts as the public sees them: no drafts, nothing dated in the future, views counted atomically.
import { Op, QueryTypes } from 'sequelize';
import type { Models } from '../models/index.js';
import { postText } from './post-text.js';

/** What a list or a card needs: no full content, so a cached list stays small. */
export interface PostSummary {
  id: number;
  title: string;
  image: string | null;
  excerpt: string;
  publishedAt: Date;
}

export interface PublicPost extends PostSummary {
  content: string;
  /** The content as plain text (rich-text HTML reduced to its words and paragraphs), for the page. */
  text: string;
  viewsCount: number;
}

export interface PostPage {
  posts: PostSummary[];
  page: number;
  pageCount: number;
  total: number;
}

const EXCERPT_LENGTH = 220;

/** The first words of a post as plain text, cut at a word boundary. */
export function excerptOf(content: string, length = EXCERPT_LENGTH): string {
  const flat = postText(content).replace(/\s+/g, ' ').trim();
  if (flat.length <= length) return flat;
  const cut = flat.slice(0, length);
  const space = cut.lastIndexOf(' ');
  return `${(space > length / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, '')}…`;
}

function publishedNow(now: Date) {
  return { publishedAt: { [Op.ne]: null, [Op.lte]: now } };
}

function summary(post: { id: number; title: string; image: string | null; content: string; publishedAt: Date | null }): PostSummary {
  return { id: post.id, title: post.title, image: post.image, excerpt: excerptOf(post.content), publishedAt: post.publishedAt! };
}

/** Published posts, newest first; `page` starts at 1 and is clamped to the last page. */
export async function publishedPosts(
  models: Pick<Models, 'BlogPost'>,
  options: { page?: number; perPage?: number; now?: Date } = {},
): Promise<PostPage> {
  const perPage = Math.max(1, options.perPage ?? 10);
  const now = options.now ?? new Date();
  const total = await models.BlogPost.count({ where: publishedNow(now) });
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pageCount);
  const rows = await models.BlogPost.findAll({
    where: publishedNow(now),
    order: [['publishedAt', 'DESC'], ['id', 'DESC']],
    limit: perPage,
    offset: (page - 1) * perPage,
  });
  return { posts: rows.map(summary), page, pageCount, total };
}

/**
 * The newest published posts (at most `limit`) for the home page's random picks, and when the next
 * future-dated post goes live, so a cache can expire by then.
 */
export async function postPool(
  models: Pick<Models, 'BlogPost'>,
  options: { limit?: number; now?: Date } = {},
): Promise<{ posts: PostSummary[]; nextPublicationAt: Date | undefined }> {
  const now = options.now ?? new Date();
  const rows = await models.BlogPost.findAll({
    where: publishedNow(now),
    order: [['publishedAt', 'DESC'], ['id', 'DESC']],
    limit: options.limit ?? 200,
  });
  const next = await models.BlogPost.findOne({ where: { publishedAt: { [Op.gt]: now } }, order: [['publishedAt', 'ASC']], attributes: ['publishedAt'] });
  return { posts: rows.map(summary), nextPublicationAt: next?.publishedAt ?? undefined };
}

/**
 * Counts one view of a published post and returns the post as it is after the view, or undefined
 * when there is no such published post. One UPDATE … RETURNING: concurrent opens never lose a count.
 */
export async function countView(models: Pick<Models, 'sequelize'>, id: number): Promise<PublicPost | undefined> {
  if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) return undefined;
  const rows = await models.sequelize.query<{ id: number; title: string; content: string; image: string | null; views_count: number; published_at: Date }>(
    `UPDATE blog_posts SET views_count = views_count + 1
      WHERE id = :id AND published_at IS NOT NULL AND published_at <= now()
      RETURNING id, title, content, image, views_count, published_at`,
    { replacements: { id }, type: QueryTypes.SELECT },
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    title: row.title,
    content: row.content,
    text: postText(row.content),
    image: row.image,
    excerpt: excerptOf(row.content),
    viewsCount: row.views_count,
    publishedAt: new Date(row.published_at),
  };
}
