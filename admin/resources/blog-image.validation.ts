// Checks an uploaded blog image on the server (the browser's check is only a convenience): images only, size-limited.
import { ValidationError as AdminValidationError, type ActionRequest } from 'adminjs';

export const IMAGE_MIME_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
export const IMAGE_EXTENSIONS: Record<string, string> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'image/webp': '.webp' };

interface UploadedLike {
  type?: string;
  size?: number;
  name?: string;
}

export function checkBlogImage(fileProperty: string) {
  return async (request: ActionRequest): Promise<ActionRequest> => {
    const file = request.payload?.[fileProperty] as UploadedLike | UploadedLike[] | undefined;
    const files = file === undefined || file === null ? [] : Array.isArray(file) ? file : [file];
    for (const item of files) {
      if (typeof item !== 'object') continue;
      if (!item.type || !(IMAGE_MIME_TYPES as readonly string[]).includes(item.type)) {
        throw new AdminValidationError({ [fileProperty]: { message: 'Choose a PNG, JPEG, GIF or WebP image.' } }, { message: 'The file is not an image we accept.' });
      }
      if ((item.size ?? 0) > MAX_IMAGE_BYTES) {
        throw new AdminValidationError({ [fileProperty]: { message: 'The image must be at most 2 MB.' } }, { message: 'The image is too large.' });
      }
    }
    return request;
  };
}
