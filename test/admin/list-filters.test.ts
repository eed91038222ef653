// List filters and sorting accept only what each resource declares; secret columns (password hashes) are never
// filtered, sorted, listed or shown, by anyone; lists never ship message bodies. Through the real JSON API.
import { expect } from 'chai';
import type { ResourceWithOptions } from 'adminjs';
import type { Model, ModelStatic } from 'sequelize';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn, type AdminClient, type ApiResponse } from '../helpers/admin-client.js';
import { buildAdmin } from '../../admin/index.js';
import { buildWorld, ROLES, type Role, type World } from './world.js';

const emailOf = (role: Role): string => `${role === 'superuser' ? 'admin' : role}@example.test`;
const ids = (response: ApiResponse): number[] => (response.body?.records ?? []).map((r: { id: string }) => Number(r.id)).sort((a: number, b: number) => a - b);

interface Declared {
  id: string;
  attributes: string[];
  filterable: string[];
  listed: string[];
}

/** What every resource declares, read from the same options the back office is built from. */
function declaredResources(ctx: Parameters<typeof buildAdmin>[0]): Declared[] {
  return (buildAdmin(ctx).options.resources as ResourceWithOptions[]).map(({ resource, options }) => ({
    id: options.id!,
    attributes: Object.keys((resource as { SequelizeModel: ModelStatic<Model> }).SequelizeModel.getAttributes()),
    filterable: options.filterProperties ?? [],
    listed: options.listProperties ?? [],
  }));
}

/** AdminJS refuses a resource closed to the role with HTTP 200 and an error notice. */
function forbidden(response: ApiResponse): boolean {
  return response.status === 200 && response.body?.notice?.type === 'error' && ids(response).length === 0;
}

describe('list filters and sorting', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  async function superuserHash(): Promise<string> {
    return (await db().models.User.findOne({ where: { email: 'admin@example.test' } }))!.passwordHash;
  }

  it("when a manager filters users by the superuser's e-mail and a password-hash prefix, then the answer is the same 400 whatever the prefix", async () => {
    await buildWorld(db());
    const manager = await loggedIn(app().url, 'manager@example.test');
    const hash = await superuserHash();
    const attack = (prefix: string) => manager.get(`/admin/api/resources/users/actions/list?filters.email=admin%40example.com&filters.passwordHash=${encodeURIComponent(prefix)}`);

    const right = await attack(hash.slice(0, 20));
    const wrong = await attack(`${hash.slice(0, 7)}zzzzzzzzzzzzz`);
    const whole = await attack(hash);

    expect(right.status).to.equal(400);
    expect(right.body.notice.message).to.equal('"passwordHash" is not a filter of users. Filter by: blockedAt, createdAt, email, fullName, isSuperuser.');
    expect(right.text).to.equal(wrong.text);
    expect(right.text).to.equal(whole.text);
    expect(right.body.records).to.deep.equal([]);
  });

  it('when the manager or the superuser sorts users by passwordHash, then it is refused with 400 naming the sortable columns', async () => {
    await buildWorld(db());
    for (const role of ['manager', 'superuser'] as const) {
      const client = await loggedIn(app().url, emailOf(role));
      for (const direction of ['asc', 'desc']) {
        const response = await client.get(`/admin/api/resources/users/actions/list?sortBy=passwordHash&direction=${direction}`);
        expect(response.status, `${role} ${direction}`).to.equal(400);
        expect(response.body.notice.message).to.match(/^users cannot be sorted by "passwordHash"\. Sort by: .*email/);
        expect(response.body.records).to.deep.equal([]);
      }
    }
  });

  it("when the superuser's picker search names passwordHash as its property, filter or sort, then it is refused the same way", async () => {
    await buildWorld(db());
    const superuser = await loggedIn(app().url, 'admin@example.test');
    const hash = await superuserHash();
    const prefix = encodeURIComponent(hash.slice(0, 10));

    const bySearchProperty = await superuser.get(`/admin/api/resources/users/actions/search/${prefix}?searchProperty=passwordHash`);
    const byFilter = await superuser.get(`/admin/api/resources/users/actions/search/?filters.passwordHash=${prefix}`);
    const bySort = await superuser.get('/admin/api/resources/users/actions/search/admin?sortBy=passwordHash');

    for (const response of [bySearchProperty, byFilter]) {
      expect(response.status).to.equal(400);
      expect(response.body.notice.message).to.match(/^"passwordHash" is not a filter of users/);
    }
    expect(bySort.status).to.equal(400);
    expect(bySort.body.notice.message).to.match(/^users cannot be sorted by "passwordHash"/);
  });

  it('when any role filters any resource on a column it does not declare filterable, then the list is not narrowed: 400 (or closed to the role)', async () => {
    const world = await buildWorld(db());
    const resources = declaredResources(app().ctx);
    let refusedCount = 0;
    for (const role of ROLES) {
      const client = await loggedIn(app().url, emailOf(role));
      for (const resource of resources) {
        const base = `/admin/api/resources/${resource.id}/actions/list?perPage=100`;
        const closed = forbidden(await client.get(base));
        for (const attribute of resource.attributes.filter((a) => !resource.filterable.includes(a))) {
          // a value that would pick exactly one row if the filter were applied: the role's own id
          const response = await client.get(`${base}&filters.${attribute}=${world.users[role].id}`);
          const where = `${role} × ${resource.id}.${attribute}`;
          if (closed) {
            expect(forbidden(response), where).to.equal(true);
            continue;
          }
          expect(response.status, where).to.equal(400);
          expect(response.body.records, where).to.deep.equal([]);
          expect(response.body.notice.message, where).to.equal(
            `"${attribute}" is not a filter of ${resource.id}. ${resource.filterable.length ? `Filter by: ${[...resource.filterable].sort().join(', ')}.` : 'This list has no filters.'}`,
          );
          refusedCount += 1;
        }
      }
    }
    expect(refusedCount, 'some lists were open to some roles').to.be.greaterThan(100);
  });

  it('when any role sorts any resource on a column that is not in its list, then it is refused with 400', async () => {
    await buildWorld(db());
    for (const role of ROLES) {
      const client = await loggedIn(app().url, emailOf(role));
      for (const resource of declaredResources(app().ctx)) {
        const base = `/admin/api/resources/${resource.id}/actions/list`;
        const closed = forbidden(await client.get(base));
        for (const attribute of resource.attributes.filter((a) => !resource.listed.includes(a))) {
          const response = await client.get(`${base}?sortBy=${attribute}`);
          const where = `${role} × ${resource.id} sorted by ${attribute}`;
          if (closed) expect(forbidden(response), where).to.equal(true);
          else {
            expect(response.status, where).to.equal(400);
            expect(response.body.notice.message, where).to.match(new RegExp(`^${resource.id} cannot be sorted by "${attribute}"\\. Sort by: `));
          }
        }
      }
    }
  });

  it('when the declared filters and sortable columns are used, then they still narrow and order the list', async () => {
    const world = await buildWorld(db());
    const superuser = await loggedIn(app().url, 'admin@example.test');
    const manager = await loggedIn(app().url, 'manager@example.test');

    const byEmail = await superuser.get('/admin/api/resources/users/actions/list?filters.email=user2%40');
    const byOwner = await manager.get(`/admin/api/resources/mailings/actions/list?filters.ownerId=${world.users.user2.id}`);
    const bySuperuser = await manager.get('/admin/api/resources/users/actions/list?filters.isSuperuser=true');
    const byName = await superuser.get('/admin/api/resources/groups/actions/list?filters.name=group');
    const sorted = await superuser.get('/admin/api/resources/users/actions/list?sortBy=email&direction=desc&perPage=100');

    expect(ids(byEmail)).to.deep.equal([world.users.user2.id]);
    expect(ids(byOwner)).to.deep.equal([world.owned.user2.mailing]);
    expect(ids(bySuperuser)).to.deep.equal([world.users.superuser.id]);
    expect(ids(byName)).to.deep.equal([...world.groups].sort((a, b) => a - b));
    const emails = sorted.body.records.map((r: { params: { email: string } }) => r.params.email);
    expect(emails).to.deep.equal([...emails].sort().reverse());
  });
});

describe('secret columns and large texts in the JSON the screens get', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  /** Every answer a role's screens get for one resource: list, picker search, show and the edit form of a record. */
  async function answers(client: AdminClient, resource: string, recordIds: number[]): Promise<ApiResponse[]> {
    const base = `/admin/api/resources/${resource}`;
    const found = [await client.get(`${base}/actions/list?perPage=100`), await client.get(`${base}/actions/search/`), await client.get(`${base}/actions/search/admin`)];
    for (const id of recordIds) found.push(await client.get(`${base}/records/${id}/show`), await client.get(`${base}/records/${id}/edit`));
    return found;
  }

  function everyRecordId(world: World): Record<string, number[]> {
    const owned = Object.values(world.owned);
    return {
      users: ROLES.map((r) => world.users[r].id),
      groups: world.groups,
      mailings: owned.map((o) => o.mailing),
      clients: owned.map((o) => o.client),
      messages: owned.map((o) => o.message),
      attempts: owned.map((o) => o.attempt),
      deliveries: owned.map((o) => o.delivery),
      blog_posts: [world.blogPost],
    };
  }

  it('when any role opens any list, picker, show or edit screen, then no password hash is in the answer, not even for the superuser', async () => {
    const world = await buildWorld(db());
    const hashes = (await db().models.User.findAll()).map((u) => u.passwordHash);
    for (const role of ROLES) {
      const client = await loggedIn(app().url, emailOf(role));
      for (const [resource, recordIds] of Object.entries(everyRecordId(world))) {
        for (const response of await answers(client, resource, recordIds)) {
          const where = `${role} × ${resource}: ${response.text.slice(0, 80)}`;
          expect(response.status, where).to.be.below(500);
          expect(response.text, where).to.not.include('passwordHash');
          for (const hash of hashes) expect(response.text, where).to.not.include(hash);
        }
      }
    }
  });

  it('when the messages list, the message picker or the mailings list is opened, then no message body is sent; the show screen has it', async () => {
    const world = await buildWorld(db());
    const body = `A long body ${'x'.repeat(5000)}`;
    await db().models.Message.update({ body }, { where: { id: world.owned.user.message } });
    const user = await loggedIn(app().url, 'user@example.test');

    const list = await user.get('/admin/api/resources/messages/actions/list');
    const picker = await user.get('/admin/api/resources/messages/actions/search/');
    const mailings = await user.get('/admin/api/resources/mailings/actions/list');
    const show = await user.get(`/admin/api/resources/messages/records/${world.owned.user.message}/show`);

    expect(ids(list)).to.include(world.owned.user.message);
    expect(ids(mailings)).to.deep.equal([world.owned.user.mailing]);
    for (const response of [list, picker, mailings]) {
      expect(response.text).to.not.include('A long body');
      expect(response.text).to.not.include('"body"');
    }
    expect(list.body.records[0].params.subject).to.be.a('string');
    expect(show.body.record.params.body).to.equal(body);
  });
});
