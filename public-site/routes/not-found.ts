// The 404 page, for unknown addresses and for posts that are not public.
import type { Response } from 'express';
import type { TFunction } from 'i18next';
import { sendView } from '../render.js';
import { translator } from '../i18n.js';

export function sendNotFound(res: Response): Promise<void> {
  const t = (res.locals as { t?: TFunction }).t ?? translator('en');
  return sendView(res, 'error', { title: t('errors.notFoundTitle'), message: t('errors.notFoundMessage') }, 404);
}
