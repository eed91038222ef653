// Attempts and deliveries in the back office: read-only, scoped like their mailings, filterable by mailing,
// status and date; filters never widen what a user may see.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn, type ApiResponse } from '../helpers/admin-client.js';
import { buildWorld } from './world.js';

const ids = (response: ApiResponse): number[] => response.body.records.map((r: { id: string }) => Number(r.id)).sort((a: number, b: number) => a - b);

describe('reports in the back office', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  it('when a manager filters attempts by mailing, status and date, then only the matching ones are listed', async () => {
    const world = await buildWorld(db());
    const old = new Date('2026-01-10T10:00:00Z');
    const failed = await db().models.Attempt.create({ mailingId: world.owned.user.mailing, scheduledFor: old, attemptedAt: old, trigger: 'schedule', status: 'failure', serverResponse: '421 try later' });
    const manager = await loggedIn(app().url, 'manager@example.test');
    const list = '/admin/api/resources/attempts/actions/list?perPage=100';

    expect(ids(await manager.get(`${list}&filters.mailingId=${world.owned.user.mailing}`))).to.deep.equal([world.owned.user.attempt, failed.id].sort((a, b) => a - b));
    expect(ids(await manager.get(`${list}&filters.status=failure`))).to.deep.equal([failed.id]);
    expect(ids(await manager.get(`${list}&filters.attemptedAt~~from=2026-01-01T00:00:00Z&filters.attemptedAt~~to=2026-01-31T00:00:00Z`))).to.deep.equal([failed.id]);
  });

  it("when a user filters by another user's mailing, then nothing of theirs shows", async () => {
    const world = await buildWorld(db());
    const user = await loggedIn(app().url, 'user@example.test');

    const attempts = await user.get(`/admin/api/resources/attempts/actions/list?filters.mailingId=${world.owned.user2.mailing}`);
    const deliveries = await user.get(`/admin/api/resources/deliveries/actions/list?filters.attemptId=${world.owned.user2.attempt}`);

    expect(ids(attempts)).to.deep.equal([]);
    expect(ids(deliveries)).to.deep.equal([]);
  });

  it('when deliveries are filtered by status and e-mail, then the matching ones are listed', async () => {
    const world = await buildWorld(db());
    const failed = await db().models.Delivery.create({ attemptId: world.owned.user.attempt, clientId: null, email: 'bounced@example.test', status: 'failed', responseCode: 550, response: '550 unknown' });
    const user = await loggedIn(app().url, 'user@example.test');
    const list = '/admin/api/resources/deliveries/actions/list?perPage=100';

    expect(ids(await user.get(`${list}&filters.status=failed`))).to.deep.equal([Number(failed.id)]);
    expect(ids(await user.get(`${list}&filters.email=bounced`))).to.deep.equal([Number(failed.id)]);
    expect(ids(await user.get(`${list}&filters.attemptId=${world.owned.user.attempt}`))).to.deep.equal([world.owned.user.delivery, Number(failed.id)].sort((a, b) => a - b));
  });

  it('when deliveries are filtered by mailing, then only that mailing\'s deliveries are listed, within the scope', async () => {
    const world = await buildWorld(db());
    const manager = await loggedIn(app().url, 'manager@example.test');
    const user = await loggedIn(app().url, 'user@example.test');
    const list = '/admin/api/resources/deliveries/actions/list?perPage=100';

    expect(ids(await manager.get(`${list}&filters.mailingId=${world.owned.user2.mailing}`))).to.deep.equal([world.owned.user2.delivery]);
    expect(ids(await user.get(`${list}&filters.mailingId=${world.owned.user2.mailing}`))).to.deep.equal([]);
    expect(ids(await user.get(`${list}&filters.mailingId=1%20OR%201=1`))).to.deep.equal([]);
  });

  it('when a filter names a property that does not exist or gives a garbage date, then it is ignored instead of failing', async () => {
    const world = await buildWorld(db());
    const user = await loggedIn(app().url, 'user@example.test');

    const response = await user.get('/admin/api/resources/attempts/actions/list?filters.mailingOwnerId=2&filters.nonsense=1&filters.attemptedAt~~from=yesterday');

    expect(response.status).to.equal(200);
    expect(ids(response)).to.deep.equal([world.owned.user.attempt]);
  });
});
