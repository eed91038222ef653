// Unit tests of the one mapping from errors to answers: the status each operational error carries, the back
// office's JSON answers and the public site's pages, each mounted as the only error handler of a small real
// Express app; an unexpected error is a 500 that leaks nothing and is logged.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express, { type ErrorRequestHandler } from 'express';
import { NotFoundError as AdminNotFoundError } from 'adminjs';
import {
  answerOf,
  ConfigError,
  ConflictError,
  DatabaseError,
  ForbiddenError,
  LoginRefused,
  NotFoundError,
  OperationalError,
  UsageError,
  ValidationError,
} from '../src/errors.js';
import { actionNotice, backOfficeErrorHandler, toAdminError } from '../admin/error-answers.js';
import { BadQueryError } from '../admin/list-query.js';
import { siteErrorHandler } from '../public-site/error-pages.js';

const SECRET = 'password=hunter2 at db.internal:5432';

interface Mounted {
  url: string;
  logged: string[];
  close(): Promise<void>;
}

/** A real Express app whose routes throw `error` (under /api/ and at a screen's address), answered by `handler`. */
async function mount(error: () => unknown, handlerFor: (log: (line: string) => void) => ErrorRequestHandler): Promise<Mounted> {
  const logged: string[] = [];
  const app = express();
  app.get(['/api/thing', '/screen', '/page'], () => {
    throw error();
  });
  app.use(handlerFor((line) => logged.push(line)));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logged,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('one mapping from errors to answers', () => {
  describe('the status each error carries', () => {
    it('when an operational error is mapped, then its class gives the status and a 4xx keeps its message', () => {
      const cases: Array<[OperationalError, number]> = [
        [new ValidationError('Name is required.', { name: 'Required.' }), 400],
        [new UsageError('Unknown option "--x".'), 400],
        [new BadQueryError('page must be a whole number from 1 (the first page).'), 400],
        [new ForbiddenError('You may not edit this mailing.'), 403],
        [new LoginRefused('This account is blocked. Ask an administrator to unblock it.'), 403],
        [new NotFoundError('This record no longer exists.'), 404],
        [new ConflictError('This mailing is already sending.'), 409],
      ];
      for (const [error, status] of cases) {
        expect(error.status, error.name).to.equal(status);
        expect(answerOf(error), error.name).to.deep.equal({ status, message: error.message, askerCanMend: true });
      }
    });

    it('when an operational error is ours to mend (5xx) or the error is unexpected, then the answer says nothing of it', () => {
      const cases: Array<[unknown, number]> = [
        [new DatabaseError(`cannot reach ${SECRET}`), 503],
        [new ConfigError('SMTP_URL', `is wrong: ${SECRET}`), 500],
        [new OperationalError(`mail server at ${SECRET} is down`), 500],
        [new Error(SECRET), 500],
        [SECRET, 500],
        [undefined, 500],
      ];
      for (const [error, status] of cases) {
        const answer = answerOf(error);
        expect(answer.status, String(error)).to.equal(status);
        expect(answer.askerCanMend, String(error)).to.equal(false);
        expect(answer.message, String(error)).to.equal('Something went wrong on our side. Please try again.');
      }
    });

    it('when LoginRefused and UsageError are checked, then they are operational errors from src/errors.ts', async () => {
      const { LoginRefused: fromAuth } = await import('../admin/auth.js');
      const { UsageError: fromCli } = await import('../src/cli.js');
      expect(fromAuth).to.equal(LoginRefused);
      expect(fromCli).to.equal(UsageError);
      expect(new LoginRefused('x')).to.be.instanceOf(ForbiddenError).and.instanceOf(OperationalError);
      expect(new UsageError('x')).to.be.instanceOf(OperationalError);
    });
  });

  describe('the back office (JSON)', () => {
    let mounted: Mounted | undefined;
    afterEach(async () => {
      await mounted?.close();
      mounted = undefined;
    });

    const operational: Array<[string, () => unknown, number, string]> = [
      ['a ValidationError', () => new ValidationError('Name is required.'), 400, 'Name is required.'],
      ['a BadQueryError', () => new BadQueryError('perPage must be a whole number from 1 to 500.'), 400, 'perPage must be a whole number from 1 to 500.'],
      ['a ForbiddenError', () => new ForbiddenError('You may not see this client.'), 403, 'You may not see this client.'],
      ['a NotFoundError', () => new NotFoundError('This record no longer exists.'), 404, 'This record no longer exists.'],
      ['a ConflictError', () => new ConflictError('This mailing is already sending.'), 409, 'This mailing is already sending.'],
      ["AdminJS's NotFoundError (a bulk action on ids not found)", () => new AdminNotFoundError('records 1,2 not found', 'bulk'), 404, 'Nothing was found for these ids.'],
    ];
    for (const [what, error, status, message] of operational) {
      it(`when ${what} escapes AdminJS, then the API answers ${status} with its notice and nothing is logged`, async () => {
        mounted = await mount(error, backOfficeErrorHandler);
        const response = await fetch(`${mounted.url}/api/thing`);
        expect(response.status).to.equal(status);
        expect(await response.json()).to.deep.equal({ notice: { message, type: 'error' }, records: [] });
        expect(mounted.logged).to.deep.equal([]);
      });
    }

    it('when an operational error escapes at a screen\'s address, then its status and message answer as text', async () => {
      mounted = await mount(() => new NotFoundError('There is no "nope" in the back office.'), backOfficeErrorHandler);
      const response = await fetch(`${mounted.url}/screen`);
      expect(response.status).to.equal(404);
      expect(response.headers.get('content-type')).to.match(/^text\/plain/);
      expect(await response.text()).to.equal('There is no "nope" in the back office.');
    });

    it('when an unexpected error escapes, then the API answers 500 with a notice that leaks nothing, and the stack is logged', async () => {
      mounted = await mount(() => new TypeError(SECRET), backOfficeErrorHandler);
      const response = await fetch(`${mounted.url}/api/thing`);
      expect(response.status).to.equal(500);
      const text = await response.text();
      expect(JSON.parse(text)).to.deep.equal({ notice: { message: 'Something went wrong on our side. Please try again.', type: 'error' }, records: [] });
      expect(text).to.not.contain('hunter2').and.not.contain('TypeError');
      expect(mounted.logged).to.have.length(1);
      expect(mounted.logged[0]).to.contain('[back office] unexpected error: TypeError: password=hunter2').and.contain('errors.test.ts');
    });

    it('when a domain error fails an AdminJS action, then it becomes the AdminJS error its screens show (fields for forms)', () => {
      const invalid = toAdminError(new ValidationError('Check the form.', { email: 'Not an address.' })) as { name: string; propertyErrors: unknown; baseError: unknown };
      expect(invalid.name).to.equal('ValidationError');
      expect(invalid.propertyErrors).to.deep.equal({ email: { message: 'Not an address.' } });
      expect(invalid.baseError).to.deep.equal({ message: 'Check the form.' });
      expect((toAdminError(new ForbiddenError('No.')) as Error).name).to.equal('ForbiddenError');
      expect((toAdminError(new NotFoundError('Gone.')) as Error).name).to.equal('NotFoundError');
      const unexpected = new Error('bug');
      expect(toAdminError(unexpected)).to.equal(unexpected);
    });

    it('when a record action meets a ConflictError, then it is a notice on the same record; any other error is not', () => {
      expect(actionNotice(new ConflictError('This mailing is already sending.'))).to.equal('This mailing is already sending.');
      expect(actionNotice(new ValidationError('x'))).to.equal(undefined);
      expect(actionNotice(new Error('x'))).to.equal(undefined);
    });
  });

  describe('the public site (HTML)', () => {
    let mounted: Mounted | undefined;
    afterEach(async () => {
      await mounted?.close();
      mounted = undefined;
    });

    const cases: Array<[string, () => unknown, number, string, string]> = [
      ['a ValidationError', () => new ValidationError('This link is not valid.'), 400, 'This request could not be handled', 'This link is not valid.'],
      ['a ForbiddenError', () => new ForbiddenError('Log in to see this.'), 403, 'This is not allowed', 'Log in to see this.'],
      ['a NotFoundError', () => new NotFoundError('This post is not public.'), 404, 'Page not found', 'This post is not public.'],
      ['a ConflictError', () => new ConflictError('This address is already confirmed.'), 409, 'This cannot be done right now', 'This address is already confirmed.'],
      ["body-parser's too-large error", () => Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' }), 413, 'This form is too long', 'shorten what you typed'],
      ["body-parser's malformed-body error", () => Object.assign(new Error('bad'), { status: 400, type: 'entity.parse.failed' }), 400, 'This form could not be read', 'reload the page'],
    ];
    for (const [what, error, status, title, message] of cases) {
      it(`when ${what} reaches the site, then a ${status} page says "${title}" and what to do, and nothing is logged`, async () => {
        mounted = await mount(error, siteErrorHandler);
        const response = await fetch(`${mounted.url}/page`);
        expect(response.status).to.equal(status);
        expect(response.headers.get('content-type')).to.match(/^text\/html/);
        const html = await response.text();
        expect(html).to.contain(title).and.contain(message);
        expect(mounted.logged).to.deep.equal([]);
      });
    }

    it('when an unexpected error reaches the site, then the 500 page leaks nothing and the stack is logged', async () => {
      mounted = await mount(() => new TypeError(SECRET), siteErrorHandler);
      const response = await fetch(`${mounted.url}/page`);
      expect(response.status).to.equal(500);
      const html = await response.text();
      expect(html).to.contain('Something went wrong on our side. Please try again in a moment.');
      expect(html).to.not.contain('hunter2').and.not.contain('TypeError');
      expect(mounted.logged).to.have.length(1);
      expect(mounted.logged[0]).to.contain('[public site] unexpected error: TypeError: password=hunter2');
    });

    it('when an operational error is ours (a database down), then the page says only that something went wrong, and it is logged', async () => {
      mounted = await mount(() => new DatabaseError(`cannot reach ${SECRET}`), siteErrorHandler);
      const response = await fetch(`${mounted.url}/page`);
      expect(response.status).to.equal(503);
      const html = await response.text();
      expect(html).to.contain('Something went wrong').and.not.contain('hunter2');
      expect(mounted.logged).to.deep.equal([`[public site] cannot reach ${SECRET}`]);
    });
  });
});
