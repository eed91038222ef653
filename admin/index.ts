// The back office (AdminJS at /admin): mounted by the app. Built in issue 4.
import type { Express } from 'express';
import type { ServiceContext } from '../src/context.js';

export async function mountAdmin(_app: Express, _ctx: ServiceContext): Promise<void> {
  // The back office lands with issue 4.
}
