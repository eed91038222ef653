// Browser view of the local mail catcher (/dev/mailbox): read the mails the service sent while developing.
import { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { MailCatcher } from '../src/mail/mail-catcher.js';
import { isLoopbackRequest } from '../src/loopback.js';

type MailboxSource = Pick<MailCatcher, 'list' | 'read'>;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

const LINK = /\bhttps?:\/\/[^\s<>"']+/g;

/** Escapes plain text and turns its http(s) links into anchors; nothing else in it can become markup. */
export function linkify(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    // a sentence's closing punctuation is not part of the link
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    const start = match.index;
    html += escapeHtml(text.slice(last, start));
    html += `<a href="${escapeHtml(url)}" rel="noopener noreferrer" target="_blank">${escapeHtml(url)}</a>`;
    last = start + url.length;
  }
  return html + escapeHtml(text.slice(last));
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Dev mailbox</title>
<link rel="stylesheet" href="/static/bootstrap.min.css">
</head>
<body>
<main class="container py-4">
${body}
</main>
</body>
</html>
`;
}

function formatDate(date: Date): string {
  return Number.isNaN(date.getTime()) ? '' : date.toUTCString();
}

function send(res: Response, status: number, html: string): void {
  // no script runs on these pages, whatever a mail contains; the HTML body lives in a sandboxed iframe
  res.set('Content-Security-Policy', "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'");
  res.set('Cache-Control', 'no-store');
  res.status(status).type('html').send(html);
}

type Handler = (req: Request, res: Response) => Promise<void>;

function asyncRoute(handler: Handler) {
  return (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).catch(next);
  };
}

/**
 * The router the app mounts at /dev/mailbox while the catcher runs, for clients on this machine only (see
 * src/loopback.ts). Links are relative to the mount point.
 */
export function createDevMailboxRouter(catcher: MailboxSource): Router {
  const router = Router();

  // the mails hold verification and password-reset links: whoever reads them owns those accounts
  router.use((req, res, next) => {
    if (isLoopbackRequest(req)) return next();
    send(
      res,
      403,
      page('Dev mailbox', `<h1 class="h3">Dev mailbox</h1>
<p>The dev mailbox answers only on the machine the service runs on: open it there (http://localhost…).</p>`),
    );
  });

  router.get(
    '/',
    asyncRoute(async (req, res) => {
      const mails = await catcher.list();
      const base = req.baseUrl;
      const rows = mails
        .map(
          (mail) => `<tr>
<td class="text-nowrap">${escapeHtml(formatDate(mail.date))}</td>
<td>${escapeHtml(mail.from)}</td>
<td>${escapeHtml(mail.to)}</td>
<td><a href="${escapeHtml(`${base}/${mail.id}`)}">${escapeHtml(mail.subject || '(no subject)')}</a></td>
</tr>`,
        )
        .join('\n');
      const content =
        mails.length === 0
          ? '<p class="text-muted">No mail yet. Mails the service sends while no SMTP server is configured appear here.</p>'
          : `<table class="table table-sm table-hover">
<thead><tr><th>Date</th><th>From</th><th>To</th><th>Subject</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
      send(res, 200, page('Dev mailbox', `<h1 class="h3 mb-3">Dev mailbox</h1>\n${content}`));
    }),
  );

  router.get(
    '/:id',
    asyncRoute(async (req, res) => {
      const base = req.baseUrl;
      const mail = await catcher.read(req.params.id ?? '');
      if (mail === undefined) {
        send(
          res,
          404,
          page('Mail not found', `<h1 class="h3">Mail not found</h1>
<p>There is no mail with this id in the dev mailbox.</p>
<p><a href="${escapeHtml(`${base}/`)}">Back to the mailbox</a></p>`),
        );
        return;
      }
      const html =
        mail.html === undefined
          ? ''
          : `<h2 class="h5 mt-4">HTML version</h2>
<iframe sandbox title="HTML version of the mail" srcdoc="${escapeHtml(mail.html)}" class="w-100 border" style="height: 30rem"></iframe>`;
      send(
        res,
        200,
        page(mail.subject || '(no subject)', `<p><a href="${escapeHtml(`${base}/`)}">&larr; All mails</a></p>
<h1 class="h3">${escapeHtml(mail.subject || '(no subject)')}</h1>
<dl class="row">
<dt class="col-sm-2">From</dt><dd class="col-sm-10">${escapeHtml(mail.from)}</dd>
<dt class="col-sm-2">To</dt><dd class="col-sm-10">${escapeHtml(mail.to)}</dd>
<dt class="col-sm-2">Date</dt><dd class="col-sm-10">${escapeHtml(formatDate(mail.date))}</dd>
</dl>
<pre class="border rounded p-3" style="white-space: pre-wrap">${linkify(mail.text)}</pre>
${html}`),
      );
    }),
  );

  return router;
}
