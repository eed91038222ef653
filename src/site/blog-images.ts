// Which image a blog post may have: only an upload of that very post (/uploads/blog/<post id>/<uuid>.<ext>)
// or one of the images shipped with the site (/static/blog/<name>.<ext>, used by the demo posts).
import { randomUUID } from 'node:crypto';

export const UPLOADS_URL = '/uploads';
const BLOG_UPLOADS = `${UPLOADS_URL}/blog`;

const UPLOAD = /^\/uploads\/blog\/([1-9][0-9]{0,9})\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(?:png|jpg|gif|webp)$/;
const SHIPPED = /^\/static\/blog\/[a-z0-9][a-z0-9-]{0,63}\.(?:svg|png|jpg|gif|webp)$/;

/** A fresh storage key (= URL path) for an image uploaded to the post. */
export function newUploadKey(postId: number | string, extension: string): string {
  return `${BLOG_UPLOADS}/${postId}/${randomUUID()}${extension}`;
}

/** True when the key is an upload made for this post: the only files deleting or replacing its image may remove. */
export function isUploadOf(postId: number | string, key: unknown): key is string {
  if (typeof key !== 'string') return false;
  const owner = UPLOAD.exec(key)?.[1];
  return owner !== undefined && owner === String(postId);
}

/** True for an address shaped like a blog image (an upload of some post, or shipped): never a page or an action. */
export function isBlogImageAddress(key: unknown): key is string {
  return typeof key === 'string' && (UPLOAD.test(key) || SHIPPED.test(key));
}

/** The image address the public site shows for the post, or null for anything else stored there. */
export function shownImage(postId: number, image: string | null | undefined): string | null {
  if (typeof image !== 'string') return null;
  return isUploadOf(postId, image) || SHIPPED.test(image) ? image : null;
}
