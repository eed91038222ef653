// What the owner sees and may do in the back office about opt-outs: who unsubscribed and when (read-only, filterable),
// clearing a bounce (owner-scoped), and the sender name on their own profile.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn } from '../helpers/admin-client.js';
import { buildWorld } from '../admin/world.js';

describe('opt-outs in the back office', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  const clientAction = (id: number, action: string) => `/admin/api/resources/clients/records/${id}/${action}`;
  const client = (id: number) => db().models.Client.findByPk(id);
  const BOUNCE = '550 5.1.1 <x@example.test>: Recipient address rejected: User unknown in local recipient table';

  it('when a client unsubscribed, then its owner sees when in the list and on its page, and can filter the unsubscribed ones', async () => {
    const world = await buildWorld(db());
    const at = new Date('2026-11-20T10:00:00Z');
    await db().models.Client.update({ unsubscribedAt: at }, { where: { id: world.owned.user.client } });
    const owner = await loggedIn(app().url, 'user@example.test');

    const show = await owner.get(`${clientAction(world.owned.user.client, 'show')}`);
    expect(new Date(show.body.record.params.unsubscribedAt).getTime()).to.equal(at.getTime());
    const filtered = await owner.get('/admin/api/resources/clients/actions/list?filters.unsubscribedAt~~from=2026-11-01&filters.unsubscribedAt~~to=2026-11-30');
    expect(filtered.status).to.equal(200);
    expect(filtered.body.records.map((r: { id: string }) => Number(r.id))).to.deep.equal([world.owned.user.client]);
    expect(filtered.body.records[0].params).to.have.property('unsubscribedAt');
  });

  it('when the owner edits an unsubscribed client and sends unsubscribedAt empty, then the client stays unsubscribed (only the recipient can undo it)', async () => {
    const world = await buildWorld(db());
    const at = new Date('2026-11-20T10:00:00Z');
    await db().models.Client.update({ unsubscribedAt: at }, { where: { id: world.owned.user.client } });
    const owner = await loggedIn(app().url, 'user@example.test');

    const response = await owner.post(clientAction(world.owned.user.client, 'edit'), { fullName: 'Renamed', unsubscribedAt: '', bouncedAt: '' });

    expect(response.status).to.equal(200);
    const after = await client(world.owned.user.client);
    expect(after!.fullName).to.equal('Renamed');
    expect(after!.unsubscribedAt!.getTime()).to.equal(at.getTime());
  });

  it('when the owner clears the bounce of their bounced client, then the mark and the server answer are gone', async () => {
    const world = await buildWorld(db());
    await db().models.Client.update({ bouncedAt: new Date(), bounceResponse: BOUNCE }, { where: { id: world.owned.user.client } });
    const owner = await loggedIn(app().url, 'user@example.test');

    const shown = await owner.get(clientAction(world.owned.user.client, 'show'));
    expect(shown.body.record.params.bounceResponse).to.equal(BOUNCE);
    const response = await owner.post(clientAction(world.owned.user.client, 'clearBounce'));

    expect(response.body.notice.type, JSON.stringify(response.body.notice)).to.equal('success');
    const after = await client(world.owned.user.client);
    expect(after!.bouncedAt).to.equal(null);
    expect(after!.bounceResponse).to.equal(null);
  });

  it("when another user or a manager tries to clear a user's bounce, then it is refused and the mark stays", async () => {
    const world = await buildWorld(db());
    await db().models.Client.update({ bouncedAt: new Date(), bounceResponse: BOUNCE }, { where: { id: world.owned.user.client } });

    for (const email of ['user2@example.test', 'manager@example.test', 'content@example.test']) {
      const stranger = await loggedIn(app().url, email);
      const response = await stranger.post(clientAction(world.owned.user.client, 'clearBounce'));
      expect(response.status, email).to.equal(200);
      // the record is outside their scope: not found, and nothing of it is shown
      expect(response.body.notice.type, email).to.equal('error');
      expect(response.body.record.params, email).to.deep.equal({});
    }
    expect((await client(world.owned.user.client))!.bouncedAt).to.be.instanceOf(Date);
  });

  it('when the owner tries to clear the bounce of a client that has none, then it is refused', async () => {
    const world = await buildWorld(db());
    const owner = await loggedIn(app().url, 'user@example.test');

    const response = await owner.post(clientAction(world.owned.user.client, 'clearBounce'));

    expect(response.body.notice.type).to.equal('error');
  });

  it('when a user sets a sender name on their own profile, then it is stored; one with a line break is refused on the field', async () => {
    const world = await buildWorld(db());
    const owner = await loggedIn(app().url, 'user@example.test');
    const profile = `/admin/api/resources/users/records/${world.users.user.id}/edit`;

    const saved = await owner.post(profile, { senderName: 'Цветочный магазин «Ромашка»' });
    expect(saved.status).to.equal(200);
    expect((await db().models.User.findByPk(world.users.user.id))!.senderName).to.equal('Цветочный магазин «Ромашка»');

    const refused = await owner.post(profile, { senderName: 'Shop\r\nBcc: victim@example.test' });
    expect(refused.body.record.errors.senderName.message).to.equal('The sender name must be one line of text');
    expect((await db().models.User.findByPk(world.users.user.id))!.senderName).to.equal('Цветочный магазин «Ромашка»');
  });

  it("when a user tries to set another user's sender name, then it is refused and unchanged", async () => {
    const world = await buildWorld(db());
    const owner = await loggedIn(app().url, 'user@example.test');

    await owner.post(`/admin/api/resources/users/records/${world.users.user2.id}/edit`, { senderName: 'Hijacked' });

    expect((await db().models.User.findByPk(world.users.user2.id))!.senderName).to.equal('');
  });
});
