// Blog posts for content managers: title, content, an uploaded image, publication date; the view count is read-only.
import path from 'node:path';
import type { ResourceWithOptions } from 'adminjs';
import uploadFeature from '@adminjs/upload';
import type { ServiceContext } from '../../src/context.js';
import { ScopedResource } from '../scoped-resource.js';
import { accessFeature } from '../features/access.feature.js';
import { componentLoader } from '../components/index.js';
import { newUploadKey } from '../../src/site/blog-images.js';
import { BlogImageProvider } from './blog-image.provider.js';
import { blogImageCheckFeature, IMAGE_EXTENSIONS, IMAGE_MIME_TYPES, MAX_IMAGE_BYTES } from './blog-image.validation.js';

const FILE_PROPERTY = 'imageFile';
// the form; a write accepts these fields but the file, which the upload feature handles
const FORM = ['title', 'content', FILE_PROPERTY, 'publishedAt'];

export function uploadsFolder(ctx: ServiceContext): string {
  return path.join(ctx.config.dataDir, 'uploads');
}

export function blogPostsResource(ctx: ServiceContext): ResourceWithOptions {
  return {
    resource: new ScopedResource(ctx.db.models.BlogPost, 'blog_posts', {
      // `image` is written only by the upload feature's own hook (an upload of this post), never from a form
      editable: () => FORM.filter((field) => field !== FILE_PROPERTY),
      internalEditable: ['image'],
      onCreate: (actor) => ({ authorId: actor.id }),
    }),
    options: {
      id: 'blog_posts',
      navigation: { name: 'Blog', icon: 'Book' },
      titleProperty: 'title',
      sort: { sortBy: 'id', direction: 'desc' },
      listProperties: ['id', 'title', 'publishedAt', 'viewsCount', FILE_PROPERTY],
      filterProperties: ['title', 'publishedAt'],
      editProperties: FORM,
      showProperties: ['id', 'title', 'content', FILE_PROPERTY, 'image', 'publishedAt', 'viewsCount', 'authorId', 'createdAt'],
      properties: {
        content: { type: 'richtext' },
        viewsCount: { isVisible: { list: true, filter: false, show: true, edit: false } },
        image: { isVisible: { list: false, filter: false, show: true, edit: false } },
        authorId: { reference: 'users', isVisible: { list: false, filter: false, show: true, edit: false } },
      },
    },
    features: [
      accessFeature('blog_posts'),
      blogImageCheckFeature(FILE_PROPERTY),
      uploadFeature({
        componentLoader,
        provider: new BlogImageProvider(uploadsFolder(ctx)),
        properties: { key: 'image', file: FILE_PROPERTY, filePath: 'imagePath', filesToDelete: 'imageFilesToDelete' },
        uploadPath: (record, filename) => newUploadKey(record.id(), IMAGE_EXTENSIONS[mimeOf(filename)] ?? '.bin'),
        validation: { mimeTypes: [...IMAGE_MIME_TYPES], maxSize: MAX_IMAGE_BYTES },
      }),
    ],
  };
}

function mimeOf(filename: string): string {
  const ext = path.extname(filename).toLowerCase();
  return Object.entries(IMAGE_EXTENSIONS).find(([, e]) => e === ext || (ext === '.jpeg' && e === '.jpg'))?.[0] ?? '';
}
