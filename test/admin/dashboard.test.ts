// The dashboard per role: the figures come from src/reports/dashboard.ts, scoped by the policy.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn } from '../helpers/admin-client.js';
import { buildWorld, type World } from './world.js';
import { dashboardFor } from '../../src/reports/dashboard.js';
import { loadActor } from '../../src/access/policy.js';

describe('the back-office dashboard', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  /** A failed attempt 40 days ago (outside the window) and a failed one today, for user2's mailing. */
  async function addHistory(world: World): Promise<void> {
    const { Attempt, Delivery, Mailing } = db().models;
    const old = new Date(Date.now() - 40 * 24 * 3600_000);
    const past = await Attempt.create({ mailingId: world.owned.user2.mailing, scheduledFor: old, attemptedAt: old, trigger: 'schedule', status: 'success', recipientsCount: 1, sentCount: 1 });
    await Delivery.create({ attemptId: past.id, clientId: world.owned.user2.client, email: 'old@example.test', status: 'sent', sentAt: old });
    const failed = await Attempt.create({ mailingId: world.owned.user2.mailing, scheduledFor: new Date(Date.now() - 1000), trigger: 'cli', status: 'failure', serverResponse: '550 5.1.1 mailbox unknown', recipientsCount: 1, failedCount: 1 });
    await Delivery.create({ attemptId: failed.id, clientId: null, email: 'gone@example.test', status: 'failed', responseCode: 550, response: '550 5.1.1 mailbox unknown' });
    await Mailing.update({ status: 'running' }, { where: { id: world.owned.user2.mailing } });
    await Mailing.update({ disabledAt: new Date() }, { where: { id: world.owned.user.mailing } });
  }

  it("when a user opens it, then they see only their own mailings, sends and attempts", async () => {
    const world = await buildWorld(db());
    await addHistory(world);
    const client = await loggedIn(app().url, 'user2@example.test');

    const { body } = await client.get('/admin/api/dashboard');

    expect(body.coverage).to.equal('own');
    expect(body.mailingsByStatus).to.deep.equal({ created: 0, running: 1, completed: 0 });
    expect(body.disabledMailings).to.equal(0);
    expect(body.sentLastDays).to.equal(1); // the one 40 days ago is outside the window
    expect(body.failedLastDays).to.equal(1);
    expect(body.latestAttempts.map((a: { mailingId: number }) => a.mailingId)).to.satisfy((ids: number[]) => ids.every((id) => id === world.owned.user2.mailing));
    expect(body.latestAttempts[0].serverResponse).to.equal('550 5.1.1 mailbox unknown');
  });

  it('when a manager opens it, then the same figures cover everyone', async () => {
    const world = await buildWorld(db());
    await addHistory(world);
    const client = await loggedIn(app().url, 'manager@example.test');

    const { body } = await client.get('/admin/api/dashboard');

    expect(body.coverage).to.equal('all');
    expect(body.mailingsByStatus).to.deep.equal({ created: 2, running: 1, completed: 0 });
    expect(body.disabledMailings).to.equal(1);
    expect(body.sentLastDays).to.equal(3);
    expect(body.failedLastDays).to.equal(1);
    expect(body.latestAttempts).to.have.length(5);
  });

  it('when a content manager opens it, then it shows no mailing figures', async () => {
    await addHistory(await buildWorld(db()));
    const client = await loggedIn(app().url, 'content@example.test');

    const { body } = await client.get('/admin/api/dashboard');

    expect(body.coverage).to.equal('none');
    expect(body.latestAttempts).to.deep.equal([]);
    expect(body.sentLastDays).to.equal(0);
  });

  it('when asked without a logged-in person, then the domain function returns nothing', async () => {
    await addHistory(await buildWorld(db()));

    const figures = await dashboardFor(db().models, undefined);

    expect(figures.coverage).to.equal('none');
    expect(figures.mailingsByStatus).to.deep.equal({});
  });

  it('when the window is longer, then older sends count too', async () => {
    const world = await buildWorld(db());
    await addHistory(world);
    const actor = await loadActor(db().models, world.users.manager.id);

    const figures = await dashboardFor(db().models, actor, { days: 50 });

    expect(figures.sentLastDays).to.equal(4);
  });

  it('when a mailing with runs is renamed, then the latest attempts name it by its name of today, never by its id; a deleted one by the label its runs kept', async () => {
    const world = await buildWorld(db());
    await addHistory(world);
    const { Mailing } = db().models;
    await Mailing.update({ name: 'Spring letters' }, { where: { id: world.owned.user2.mailing } });
    const client = await loggedIn(app().url, 'user2@example.test');
    const { body } = await client.get('/admin/api/dashboard');
    expect(body.latestAttempts.length).to.be.at.least(2);
    expect(body.latestAttempts.map((a: { mailingLabel: string }) => a.mailingLabel)).to.deep.equal(body.latestAttempts.map(() => 'Spring letters'));
    const ids = body.latestAttempts.map((a: { id: number }) => a.id);
    await Mailing.destroy({ where: { id: world.owned.user2.mailing } });
    const kept = await db().models.Attempt.findAll({ where: { id: ids }, order: [['attemptedAt', 'DESC'], ['id', 'DESC']] });
    const after = await client.get('/admin/api/dashboard');
    expect(after.body.latestAttempts.map((a: { mailingId: number | null; mailingLabel: string }) => [a.mailingId, a.mailingLabel])).to.deep.equal(kept.map((a) => [null, a.mailingLabel]));
    expect(kept).to.have.length(ids.length);
    expect(kept.every((a) => a.mailingLabel.length > 0)).to.equal(true);
  });
});
