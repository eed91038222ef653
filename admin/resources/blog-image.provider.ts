// Storage of blog images under <DATA_DIR>/uploads, served at /uploads: the stored key IS the image's URL path,
// so the public site shows `image` as it is (like the seeded /static/blog/… images).
import fs from 'node:fs';
import path from 'node:path';
import { BaseProvider } from '@adminjs/upload';
import type { ActionContext, UploadedFile } from 'adminjs';
import { isBlogImageAddress, isUploadOf, UPLOADS_URL } from '../../src/site/blog-images.js';

export { UPLOADS_URL };

export class BlogImageProvider extends BaseProvider {
  constructor(private readonly folder: string) {
    super(folder);
    fs.mkdirSync(folder, { recursive: true });
  }

  /** The file for a key "/uploads/blog/5/x.png"; refuses anything that would leave the uploads folder. */
  private file(key: string): string {
    const relative = key.startsWith(`${UPLOADS_URL}/`) ? key.slice(UPLOADS_URL.length + 1) : key;
    const target = path.resolve(this.folder, relative);
    if (!target.startsWith(path.resolve(this.folder) + path.sep)) throw new Error(`refusing a file outside the uploads folder: ${key}`);
    return target;
  }

  override async upload(file: UploadedFile, key: string): Promise<void> {
    const target = this.file(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    // copy, not rename: the upload's temporary file may be on another file system
    await fs.promises.copyFile(file.path, target);
    await fs.promises.rm(file.path, { force: true });
  }

  /**
   * Removes the file only when it is an upload of the post being edited or deleted (the context's record, or one
   * of the records of a bulk delete): a post whose `image` names another post's file, or a seeded /static image,
   * never takes that file with it.
   */
  override async delete(key: string, _bucket: string, context?: ActionContext): Promise<void> {
    const posts = [context?.record, ...(context?.records ?? [])].filter((record) => record !== undefined);
    if (!posts.some((record) => isUploadOf(record.id(), key))) return;
    await fs.promises.rm(this.file(key), { force: true });
  }

  /** The address the back office links to: a stored value that is not an image address (a row from before the
   * check, e.g. /admin/logout) gives none, so no screen points the browser at it. */
  override path(key: string): string {
    return isBlogImageAddress(key) ? key : '';
  }
}
