// Checks an uploaded blog image on the server (the browser's check is only a convenience): images only, size-limited.
import { buildFeature, flat, ValidationError as AdminValidationError, type ActionRequest, type FeatureType } from 'adminjs';

export const IMAGE_MIME_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
export const IMAGE_EXTENSIONS: Record<string, string> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'image/webp': '.webp' };

interface UploadedLike {
  path?: string;
  type?: string;
  size?: number;
  name?: string;
}

export function checkBlogImage(fileProperty: string) {
  return async (request: ActionRequest): Promise<ActionRequest> => {
    // the form sends imageFile.0 (the upload feature takes an array)
    const file = flat.get(request.payload ?? {}, fileProperty) as UploadedLike | UploadedLike[] | string | null | undefined;
    // nothing sent, or null / '' (the form removing the image): the upload feature handles those
    const files = file === undefined || file === null || file === '' ? [] : Array.isArray(file) ? file : [file];
    for (const item of files) {
      // a text in place of a file (e.g. a path) is not an upload: the upload feature would fail on it half-way
      if (typeof item !== 'object' || item === null || typeof item.path !== 'string') {
        throw new AdminValidationError({ [fileProperty]: { message: 'Choose an image file to upload.' } }, { message: 'The image must be an uploaded file.' });
      }
      const extension = (item.name ?? '').toLowerCase().match(/\.[a-z0-9]+$/)?.[0] ?? '';
      const knownExtension = [...Object.values(IMAGE_EXTENSIONS), '.jpeg'].includes(extension);
      // the stored file's extension decides how it is served: both the type and the name must be an image's
      if (!item.type || !(IMAGE_MIME_TYPES as readonly string[]).includes(item.type) || !knownExtension) {
        throw new AdminValidationError({ [fileProperty]: { message: 'Choose a PNG, JPEG, GIF or WebP image.' } }, { message: 'The file is not an image we accept.' });
      }
      if ((item.size ?? 0) > MAX_IMAGE_BYTES) {
        throw new AdminValidationError({ [fileProperty]: { message: 'The image must be at most 2 MB.' } }, { message: 'The image is too large.' });
      }
    }
    return request;
  };
}

/** As a feature placed before the upload feature: its own hook takes the file out of the payload. */
export function blogImageCheckFeature(fileProperty: string): FeatureType {
  const check = checkBlogImage(fileProperty);
  return buildFeature({ actions: { new: { before: [check] }, edit: { before: [check] } } });
}
