// The owner of a record is the logged-in user who created it, and no form can change it.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn } from '../helpers/admin-client.js';
import { buildWorld } from './world.js';

describe('ownership in the back office', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  it('when a user edits their client or message with another ownerId, then the owner stays theirs', async () => {
    const world = await buildWorld(db());
    const user = await loggedIn(app().url, 'user@example.test');
    const other = String(world.users.user2.id);

    const client = await user.post(`/admin/api/resources/clients/records/${world.owned.user.client}/edit`, { fullName: 'Renamed', ownerId: other });
    const message = await user.post(`/admin/api/resources/messages/records/${world.owned.user.message}/edit`, { subject: 'Renamed', ownerId: other });

    expect(client.body.notice.type).to.equal('success');
    expect(message.body.notice.type).to.equal('success');
    expect((await db().models.Client.findByPk(world.owned.user.client))!.ownerId).to.equal(world.users.user.id);
    expect((await db().models.Message.findByPk(world.owned.user.message))!.ownerId).to.equal(world.users.user.id);
    expect((await db().models.Client.findByPk(world.owned.user.client))!.fullName).to.equal('Renamed');
  });

  it('when a user edits their mailing with another ownerId or status, then only the schedule changes', async () => {
    const world = await buildWorld(db());
    const user = await loggedIn(app().url, 'user@example.test');

    const response = await user.post(`/admin/api/resources/mailings/records/${world.owned.user.mailing}/edit`, { periodicity: 'monthly', ownerId: String(world.users.user2.id), status: 'completed', disabledAt: '' });

    expect(response.body.notice.type, JSON.stringify(response.body.record?.errors)).to.equal('success');
    const mailing = await db().models.Mailing.findByPk(world.owned.user.mailing);
    expect(mailing!.periodicity).to.equal('monthly');
    expect(mailing!.ownerId).to.equal(world.users.user.id);
    expect(mailing!.status).to.not.equal('completed');
  });

  it("when a user's mailing edit names another user's client, then it is refused", async () => {
    const world = await buildWorld(db());
    const user = await loggedIn(app().url, 'user@example.test');

    const response = await user.post(`/admin/api/resources/mailings/records/${world.owned.user.mailing}/edit`, { clientIds: [String(world.owned.user2.client)] });

    expect(response.body.record.errors.clientIds.message).to.equal('A chosen client was not found');
    const links = await db().models.MailingClient.findAll({ where: { mailingId: world.owned.user.mailing } });
    expect(links.map((l) => l.clientId)).to.deep.equal([world.owned.user.client]);
  });
});
