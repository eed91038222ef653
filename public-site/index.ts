// The public site (landing page, blog, accounts): mounted by the app. Built in issue 5.
import express, { type Express } from 'express';
import path from 'node:path';
import type { ServiceContext } from '../src/context.js';
import { projectRoot } from '../src/paths.js';

export async function mountPublicSite(app: Express, _ctx: ServiceContext): Promise<void> {
  app.use('/static', express.static(path.join(projectRoot, 'public-site', 'static'), { maxAge: '1h' }));
  app.get('/', (_req, res) => {
    res
      .type('html')
      .send(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mailing Service</title></head>' +
          '<body><h1>Mailing Service</h1><p>The service is running. The back office is at <a href="/admin">/admin</a>.</p></body></html>',
      );
  });
}
