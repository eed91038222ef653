// Bad input to the back office, each posted to its real route: never a 500, the documented answer with a message a
// person can act on, and not one row written or changed. Forms keep AdminJS's contract (HTTP 200 with the message
// on the field, so the screen marks it); every other bad request is a real 4xx.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn, type AdminClient, type ApiResponse } from '../helpers/admin-client.js';
import type { Model, ModelStatic } from 'sequelize';
import type { Database } from '../../src/db/database.js';
import { MESSAGE_BODY_MAX_BYTES } from '../../src/models/message.js';
import { buildWorld, type World } from './world.js';

type Payload = Record<string, string | string[]>;

interface Case {
  what: string;
  as: 'user@example.test' | 'manager@example.test' | 'admin@example.test';
  method: 'GET' | 'POST';
  path: (world: World) => string;
  body?: (world: World) => Payload;
  /** A form refusal: HTTP 200, this field carries the message (AdminJS's contract for its screens). */
  field?: string;
  /** Otherwise: this HTTP status. */
  status?: number;
  /** The message, or a pattern of it. */
  message: string | RegExp;
}

const future = (days: number): string => new Date(Date.now() + days * 24 * 3600_000).toISOString();

function mailing(world: World, overrides: Payload): Payload {
  return { name: 'Bad input', messageId: String(world.owned.user.message), clientIds: [String(world.owned.user.client)], startAt: future(7), endAt: future(14), periodicity: 'weekly', ...overrides };
}

const DATE_RANGE = 'Choose a date from 2000-01-01 to 2099-12-31';
const api = '/admin/api/resources';

const CASES: Case[] = [
  { what: 'a 300-character client name', as: 'user@example.test', method: 'POST', path: () => `${api}/clients/actions/new`, body: () => ({ email: 'long@example.test', fullName: 'n'.repeat(300) }), field: 'fullName', message: 'The name is at most 200 characters' },
  { what: 'a 300-character client name on edit', as: 'user@example.test', method: 'POST', path: (w) => `${api}/clients/records/${w.owned.user.client}/edit`, body: () => ({ fullName: 'n'.repeat(300) }), field: 'fullName', message: 'The name is at most 200 characters' },
  { what: 'a 300-character client e-mail', as: 'user@example.test', method: 'POST', path: () => `${api}/clients/actions/new`, body: () => ({ email: `${'e'.repeat(290)}@example.test` }), field: 'email', message: /e-mail address/ },
  { what: 'a 300-character message subject', as: 'user@example.test', method: 'POST', path: () => `${api}/messages/actions/new`, body: () => ({ subject: 's'.repeat(300), body: 'Hello' }), field: 'subject', message: 'The subject is at most 255 characters' },
  { what: 'a message body over 1 MB', as: 'user@example.test', method: 'POST', path: () => `${api}/messages/actions/new`, body: () => ({ subject: 'Big', body: 'b'.repeat(MESSAGE_BODY_MAX_BYTES + 1) }), field: 'body', message: /^The body is larger than 1 MB \(1,048,576 bytes\)/ },
  { what: 'a message body over 1 MB on edit (2-byte characters)', as: 'user@example.test', method: 'POST', path: (w) => `${api}/messages/records/${w.owned.user.message}/edit`, body: () => ({ body: 'ж'.repeat(MESSAGE_BODY_MAX_BYTES / 2 + 1) }), field: 'body', message: /^The body is larger than 1 MB/ },
  { what: 'a duplicate client e-mail (another case)', as: 'user@example.test', method: 'POST', path: () => `${api}/clients/actions/new`, body: () => ({ email: 'DUPLICATE@example.test' }), field: 'email', message: 'You already have a client with this e-mail' },
  { what: 'a client edited to a duplicate e-mail', as: 'user@example.test', method: 'POST', path: (w) => `${api}/clients/records/${w.owned.user.client}/edit`, body: () => ({ email: 'duplicate@EXAMPLE.test' }), field: 'email', message: 'You already have a client with this e-mail' },
  { what: 'a 300-character user name', as: 'admin@example.test', method: 'POST', path: () => `${api}/users/actions/new`, body: () => ({ email: 'long-name@example.test', fullName: 'n'.repeat(300), password: 'a-long-password' }), field: 'fullName', message: 'The name is at most 200 characters' },
  { what: 'a duplicate user e-mail', as: 'admin@example.test', method: 'POST', path: () => `${api}/users/actions/new`, body: () => ({ email: 'USER2@example.test', password: 'a-long-password' }), field: 'email', message: 'A user with this e-mail already exists' },
  { what: 'a 101-character group name', as: 'admin@example.test', method: 'POST', path: () => `${api}/groups/actions/new`, body: () => ({ name: 'g'.repeat(101) }), field: 'name', message: 'The name is at most 100 characters' },
  { what: 'messageId=2147483648 on the mailing form', as: 'user@example.test', method: 'POST', path: () => `${api}/mailings/actions/new`, body: (w) => mailing(w, { messageId: '2147483648' }), field: 'messageId', message: 'The chosen message was not found' },
  { what: 'clientIds=[99999999999] on the mailing form', as: 'user@example.test', method: 'POST', path: () => `${api}/mailings/actions/new`, body: (w) => mailing(w, { clientIds: ['99999999999'] }), field: 'clientIds', message: 'A chosen client was not found' },
  { what: 'clientIds=[99999999999] on a mailing edit', as: 'user@example.test', method: 'POST', path: (w) => `${api}/mailings/records/${w.owned.user.mailing}/edit`, body: () => ({ clientIds: ['99999999999'] }), field: 'clientIds', message: 'A chosen client was not found' },
  { what: 'a mailing start in 1900', as: 'user@example.test', method: 'POST', path: () => `${api}/mailings/actions/new`, body: (w) => mailing(w, { startAt: '1900-01-01T09:00:00Z' }), field: 'startAt', message: DATE_RANGE },
  { what: 'a mailing start and end in 99999', as: 'user@example.test', method: 'POST', path: () => `${api}/mailings/actions/new`, body: (w) => mailing(w, { startAt: '+099999-01-01T09:00:00Z', endAt: '+099999-02-01T09:00:00Z' }), field: 'startAt', message: DATE_RANGE },
  { what: 'a mailing end in 99999', as: 'user@example.test', method: 'POST', path: () => `${api}/mailings/actions/new`, body: (w) => mailing(w, { endAt: '+099999-02-01T09:00:00Z' }), field: 'endAt', message: DATE_RANGE },
  { what: 'a mailing edited to start in 1900', as: 'user@example.test', method: 'POST', path: (w) => `${api}/mailings/records/${w.owned.user.mailing}/edit`, body: () => ({ startAt: '1900-01-01T09:00:00Z' }), field: 'startAt', message: DATE_RANGE },
  { what: '?page=-5', as: 'user@example.test', method: 'GET', path: () => `${api}/clients/actions/list?page=-5`, status: 400, message: 'page must be a whole number from 1 (the first page).' },
  { what: '?page=1e300', as: 'user@example.test', method: 'GET', path: () => `${api}/clients/actions/list?page=1e300`, status: 400, message: 'page must be a whole number from 1 (the first page).' },
  { what: '?perPage=-1', as: 'user@example.test', method: 'GET', path: () => `${api}/clients/actions/list?perPage=-1`, status: 400, message: 'perPage must be a whole number from 1 to 500.' },
  { what: 'a picker search with perPage=abc', as: 'user@example.test', method: 'GET', path: () => `${api}/clients/actions/search/x?perPage=abc`, status: 400, message: 'perPage must be a whole number from 1 to 500.' },
  { what: 'filters.ownerId=abc on mailings', as: 'manager@example.test', method: 'GET', path: () => `${api}/mailings/actions/list?filters.ownerId=abc`, status: 400, message: 'Filter "ownerId" needs the id of a record (a whole number from 1), not "abc".' },
  { what: 'filters.ownerId=99999999999 on mailings', as: 'manager@example.test', method: 'GET', path: () => `${api}/mailings/actions/list?filters.ownerId=99999999999`, status: 400, message: /^Filter "ownerId" needs the id of a record/ },
  { what: 'filters.mailingId=abc on deliveries (a virtual filter)', as: 'user@example.test', method: 'GET', path: () => `${api}/deliveries/actions/list?filters.mailingId=abc`, status: 400, message: /^Filter "mailingId" needs the id of a record/ },
  { what: 'filters.createdAt=abc (a date filter without a range)', as: 'user@example.test', method: 'GET', path: () => `${api}/clients/actions/list?filters.createdAt=abc`, status: 400, message: /^Filter "createdAt" is a date range/ },
  { what: 'filters.createdAt~~from=1 (a date PostgreSQL would not read)', as: 'user@example.test', method: 'GET', path: () => `${api}/clients/actions/list?filters.createdAt~~from=1`, status: 400, message: /^Filter "createdAt" needs dates like 2026-01-31/ },
  { what: 'filters.isSuperuser=maybe', as: 'manager@example.test', method: 'GET', path: () => `${api}/users/actions/list?filters.isSuperuser=maybe`, status: 400, message: 'Filter "isSuperuser" takes true or false.' },
  { what: 'an unknown resource (list)', as: 'user@example.test', method: 'GET', path: () => `${api}/nope/actions/list`, status: 404, message: 'There is no "nope" in the back office.' },
  { what: 'an unknown resource (new, posted)', as: 'user@example.test', method: 'POST', path: () => `${api}/nope/actions/new`, body: () => ({ name: 'x' }), status: 404, message: 'There is no "nope" in the back office.' },
  { what: 'an unknown resource action', as: 'user@example.test', method: 'GET', path: () => `${api}/clients/actions/nope`, status: 404, message: 'clients has no action "nope".' },
  { what: 'an unknown record action (posted)', as: 'user@example.test', method: 'POST', path: (w) => `${api}/clients/records/${w.owned.user.client}/nope`, body: () => ({ email: 'x@example.test' }), status: 404, message: 'clients has no record action "nope".' },
  { what: 'a record action called as a resource action', as: 'user@example.test', method: 'POST', path: () => `${api}/clients/actions/edit`, body: () => ({ email: 'x@example.test' }), status: 404, message: 'clients has no action "edit".' },
  { what: 'an unknown bulk action', as: 'user@example.test', method: 'POST', path: (w) => `${api}/clients/bulk/nope?recordIds=${w.owned.user.client}`, status: 404, message: 'clients has no bulk action "nope".' },
  // a record that does not exist keeps AdminJS's record-action answer (HTTP 200 and an error notice), as for any missing id
  { what: 'a record id past the integer range', as: 'user@example.test', method: 'GET', path: () => `${api}/clients/records/99999999999/show`, status: 200, message: 'Record with given id: "99999999999" cannot be found in resource "clients"' },
  { what: 'an unknown resource screen', as: 'user@example.test', method: 'GET', path: () => '/admin/resources/nope', status: 404, message: 'There is no "nope" in the back office.' },
];

/** Every row of every table the back office writes, to compare before and after. */
async function snapshot(db: Database): Promise<string> {
  const m = db.models;
  const tables: Array<ModelStatic<Model>> = [m.User, m.Group, m.UserGroup, m.Client, m.Message, m.Mailing, m.MailingClient, m.Attempt, m.Delivery, m.BlogPost];
  const rows = await Promise.all(tables.map((model) => model.findAll({ raw: true, order: [[model.primaryKeyAttributes[0]!, 'ASC']] })));
  return JSON.stringify(rows);
}

/** A message given as text must be exactly that text. */
function matcher(message: string | RegExp): RegExp {
  return typeof message === 'string' ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : message;
}

function messageOf(response: ApiResponse): string {
  return response.body?.notice?.message ?? response.text;
}

describe('bad input to the back office', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  for (const c of CASES) {
    const answer = c.field ? `HTTP 200 with the message on the ${c.field} field` : `HTTP ${c.status} with a message`;
    it(`when ${c.what} is sent, then the answer is ${answer}, and nothing is written`, async () => {
      const world = await buildWorld(db());
      await db().models.Client.create({ ownerId: world.users.user.id, email: 'duplicate@example.test' });
      const client: AdminClient = await loggedIn(app().url, c.as);
      const before = await snapshot(db());

      const response = await client.request(c.method, c.path(world), c.body?.(world));

      expect(response.status, response.text.slice(0, 300)).to.equal(c.field ? 200 : c.status);
      if (c.field) {
        expect(response.body.notice.type).to.equal('error');
        expect(response.body.record.errors[c.field]?.message, JSON.stringify(response.body.record.errors)).to.match(matcher(c.message));
      } else {
        expect(messageOf(response)).to.match(matcher(c.message));
      }
      expect(await snapshot(db()), 'no row written or changed').to.equal(before);
    });
  }
});
