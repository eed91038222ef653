// The authorization matrix through the real JSON API behind the screens: every role × every resource × list,
// search (the reference pickers), show, new, edit, delete and bulk delete, on the response BODY (AdminJS answers
// a refused action with 200 and an error inside), including guessed ids of other people's records.
import { expect } from 'chai';
import type { ModelStatic, Model } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { AdminClient, loggedIn, type ApiResponse } from '../helpers/admin-client.js';
import { buildWorld, ROLES, type Role, type World } from './world.js';
import type { Database } from '../../src/db/database.js';

const RESOURCES = ['clients', 'messages', 'mailings', 'attempts', 'deliveries', 'users', 'groups', 'blog_posts'] as const;
type Resource = (typeof RESOURCES)[number];
type OwnedKey = 'client' | 'message' | 'mailing' | 'attempt' | 'delivery';

const OWNED_KEY: Partial<Record<Resource, OwnedKey>> = { clients: 'client', messages: 'message', mailings: 'mailing', attempts: 'attempt', deliveries: 'delivery' };
const PLAIN: Role[] = ['user', 'user2'];

function model(db: Database, resource: Resource): ModelStatic<Model> {
  const m = db.models;
  return ({ clients: m.Client, messages: m.Message, mailings: m.Mailing, attempts: m.Attempt, deliveries: m.Delivery, users: m.User, groups: m.Group, blog_posts: m.BlogPost } as Record<Resource, ModelStatic<Model>>)[resource];
}

/** The ids the role may list, or null when the resource is closed to the role. From the spec's access table. */
function visible(role: Role, resource: Resource, world: World): number[] | null {
  const key = OWNED_KEY[resource];
  const owners = ['user', 'user2', 'superuser'] as const;
  if (key) {
    const reports = resource === 'mailings' || resource === 'attempts' || resource === 'deliveries';
    const of = (o: (typeof owners)[number]): number[] => (key === 'message' ? [world.owned[o].message, world.owned[o].spareMessage] : [world.owned[o][key]]);
    if (role === 'superuser' || (role === 'manager' && reports)) return owners.flatMap(of);
    if (role === 'user' || role === 'user2') return of(role);
    return null;
  }
  if (resource === 'users') {
    if (role === 'superuser' || role === 'manager') return ROLES.map((r) => world.users[r].id);
    return [world.users[role].id];
  }
  if (resource === 'groups') return role === 'superuser' ? world.groups : null;
  return role === 'superuser' || role === 'content' ? [world.blogPost] : null;
}

function mayCreate(role: Role, resource: Resource): boolean {
  if (resource === 'clients' || resource === 'messages' || resource === 'mailings') return PLAIN.includes(role) || role === 'superuser';
  if (resource === 'blog_posts') return role === 'content' || role === 'superuser';
  if (resource === 'users' || resource === 'groups') return role === 'superuser';
  return false;
}

/** Someone else's record (for the superuser: a user's record): the guessed id. */
function target(role: Role, resource: Resource, world: World, forDelete = false): number {
  const other = role === 'user' ? 'user2' : 'user';
  const key = OWNED_KEY[resource];
  if (key) return forDelete && key === 'message' ? world.owned[other].spareMessage : world.owned[other][key];
  if (resource === 'users') return world.users[other].id;
  if (resource === 'groups') return world.groups[0]!;
  return world.blogPost;
}

function mayChangeOthers(role: Role, resource: Resource): boolean {
  if (resource === 'attempts' || resource === 'deliveries') return false;
  if (resource === 'blog_posts') return role === 'content' || role === 'superuser';
  return role === 'superuser';
}

function newPayload(role: Role, resource: Resource, world: World): Record<string, string | string[]> {
  const own = role === 'user' || role === 'user2' || role === 'superuser' ? world.owned[role] : world.owned.user;
  const future = Date.now() + 7 * 24 * 3600_000;
  switch (resource) {
    case 'clients':
      return { email: `new-${role}@example.test`, fullName: 'New Client', ownerId: String(world.users.user2.id) };
    case 'messages':
      return { subject: 'New subject', body: 'New body', ownerId: String(world.users.user2.id) };
    case 'mailings':
      return { name: 'Matrix mailing', messageId: String(own.message), clientIds: [String(own.client)], startAt: new Date(future).toISOString(), endAt: new Date(future + 5 * 24 * 3600_000).toISOString(), periodicity: 'weekly' };
    case 'attempts':
      return { mailingId: String(own.mailing), scheduledFor: new Date().toISOString(), trigger: 'manual' };
    case 'deliveries':
      return { attemptId: String(own.attempt), email: 'x@example.test' };
    case 'users':
      return { email: `made-by-${role}@example.test`, fullName: 'Made', password: 'a-long-password' };
    case 'groups':
      return { name: `group-by-${role}`, permissions: ['blog.manage'] };
    case 'blog_posts':
      return { title: 'New post', content: 'Body' };
  }
}

function editPayload(resource: Resource): Record<string, string> {
  switch (resource) {
    case 'clients':
    case 'users':
      return { fullName: 'CHANGED' };
    case 'messages':
      return { subject: 'CHANGED' };
    case 'mailings':
      return { periodicity: 'monthly' };
    case 'attempts':
      return { status: 'failure' };
    case 'deliveries':
      return { status: 'failed' };
    case 'groups':
      return { name: 'CHANGED' };
    case 'blog_posts':
      return { title: 'CHANGED' };
  }
}

function ids(response: ApiResponse): number[] {
  return (response.body?.records ?? []).map((r: { id: string }) => Number(r.id)).sort((a: number, b: number) => a - b);
}

function refused(response: ApiResponse): boolean {
  return response.body?.notice?.type === 'error' || response.status >= 400;
}

describe('back-office authorization matrix', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  for (const role of ROLES) {
    for (const resource of RESOURCES) {
      it(`${role} × ${resource}: list, pickers, show, new, edit, delete and bulk delete follow the access table`, async () => {
        const world = await buildWorld(db());
        const client = await loggedIn(app().url, `${role === 'superuser' ? 'admin' : role}@example.test`);
        const expected = visible(role, resource, world);
        const base = `/admin/api/resources/${resource}`;
        const Model = model(db(), resource);

        // list
        const list = await client.get(`${base}/actions/list?perPage=100`);
        if (expected === null) {
          expect(refused(list), 'list refused').to.equal(true);
          expect(ids(list)).to.deep.equal([]);
        } else {
          expect(ids(list), 'list').to.deep.equal([...expected].sort((a, b) => a - b));
        }

        // the reference pickers' search, with and without a query
        for (const path of [`${base}/actions/search/`, `${base}/actions/search/example`]) {
          const search = await client.get(path);
          if (expected === null) expect(ids(search), path).to.deep.equal([]);
          else for (const id of ids(search)) expect(expected, `${path} offers ${id}`).to.include(id);
        }
        if (resource === 'clients' && expected) expect(ids(await client.get(`${base}/actions/search/`))).to.deep.equal([...expected].sort((a, b) => a - b));

        // filters and sort cannot widen the scope
        const filtered = await client.get(`${base}/actions/list?perPage=100&sortBy=id&direction=desc&filters.id=${target(role, resource, world)}`);
        if (!expected?.includes(target(role, resource, world))) expect(ids(filtered)).to.deep.equal([]);

        // show a guessed id of someone else's record
        const other = target(role, resource, world);
        const show = await client.get(`${base}/records/${other}/show`);
        if (expected?.includes(other)) {
          expect(Number(show.body.record.params.id), 'show').to.equal(other);
        } else {
          expect(refused(show), 'show refused').to.equal(true);
          expect(show.body?.record?.params ?? {}).to.deep.equal({});
        }

        // new
        const countBefore = await Model.count();
        const created = await client.post(`${base}/actions/new`, newPayload(role, resource, world));
        if (mayCreate(role, resource)) {
          expect(created.body?.record?.errors ?? {}, JSON.stringify(created.body?.notice)).to.deep.equal({});
          expect(await Model.count(), 'new').to.equal(countBefore + 1);
          const row = (await Model.findByPk(Number(created.body.record.params.id)))!.toJSON() as Record<string, unknown>;
          // the owner comes from the session, whatever the payload says
          if ('ownerId' in row) expect(row.ownerId).to.equal(world.users[role].id);
        } else {
          expect(refused(created), 'new refused').to.equal(true);
          expect(await Model.count(), 'nothing created').to.equal(countBefore);
        }

        // edit someone else's record
        const field = Object.keys(editPayload(resource))[0]!;
        const before = ((await Model.findByPk(other))!.toJSON() as Record<string, unknown>)[field];
        const edit = await client.post(`${base}/records/${other}/edit`, editPayload(resource));
        const after = ((await Model.findByPk(other))!.toJSON() as Record<string, unknown>)[field];
        if (mayChangeOthers(role, resource)) {
          expect(after, `edit: ${JSON.stringify(edit.body?.notice)}`).to.equal(Object.values(editPayload(resource))[0]);
        } else {
          expect(refused(edit), 'edit refused').to.equal(true);
          expect(after, 'unchanged').to.deep.equal(before);
        }

        // bulk delete and delete of someone else's record
        const victim = target(role, resource, world, true);
        const bulk = await client.post(`${base}/bulk/bulkDelete?recordIds=${victim}`);
        if (mayChangeOthers(role, resource)) {
          expect(await Model.findByPk(victim), `bulk delete: ${JSON.stringify(bulk.body?.notice)}`).to.equal(null);
        } else {
          expect(refused(bulk), 'bulk delete refused').to.equal(true);
          expect(bulk.status, 'bulk delete answered, not crashed').to.be.oneOf([200, 404]);
          expect(await Model.findByPk(victim), 'bulk delete kept the record').to.not.equal(null);
          const single = await client.post(`${base}/records/${victim}/delete`);
          expect(refused(single), 'delete refused').to.equal(true);
          expect(await Model.findByPk(victim), 'delete kept the record').to.not.equal(null);
        }

        // the actor may delete what they created
        if (mayCreate(role, resource)) {
          const id = created.body.record.params.id;
          const deleted = await client.post(`${base}/records/${id}/delete`);
          expect(deleted.body?.notice?.type, JSON.stringify(deleted.body?.notice)).to.equal('success');
          expect(await Model.findByPk(Number(id))).to.equal(null);
        }
      });
    }
  }

  it('anonymous: every API path sends to the login page and shows nothing', async () => {
    const world = await buildWorld(db());
    const anonymous = new AdminClient(app().url);
    for (const resource of RESOURCES) {
      const base = `/admin/api/resources/${resource}`;
      const id = target('superuser', resource, world);
      for (const [method, path] of [
        ['GET', `${base}/actions/list`],
        ['GET', `${base}/actions/search/`],
        ['GET', `${base}/records/${id}/show`],
        ['POST', `${base}/actions/new`],
        ['POST', `${base}/records/${id}/edit`],
        ['POST', `${base}/records/${id}/delete`],
        ['POST', `${base}/bulk/bulkDelete?recordIds=${id}`],
      ] as const) {
        const response = await anonymous.request(method, path, method === 'POST' ? { title: 'x' } : undefined);
        expect(response.status, `${method} ${path}`).to.equal(302);
        expect(response.location).to.equal('/admin/login');
      }
      expect(await model(db(), resource).findByPk(id)).to.not.equal(null);
    }
    expect((await anonymous.get('/admin/api/dashboard')).location).to.equal('/admin/login');
  });
});
