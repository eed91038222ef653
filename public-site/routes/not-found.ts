// The 404 page, for unknown addresses and for posts that are not public.
import type { Response } from 'express';
import { sendView } from '../render.js';

export function sendNotFound(res: Response): Promise<void> {
  return sendView(res, 'error', { title: 'Page not found', message: 'There is nothing at this address. It may have moved, or it was never published.' }, 404);
}
