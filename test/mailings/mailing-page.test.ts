// What the back office shows of a mailing (through its JSON API): its name everywhere it is referred to, one status
// word that is always true, the next five runs named in the service's time zone, and a "send now" confirmation that
// says how many recipients get it again.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn } from '../helpers/admin-client.js';
import { createClient, createMailingRow, createMessage, createUser } from '../helpers/factories.js';

const DAY = 86_400_000;

describe('the mailing page', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { env: { APP_TIMEZONE: 'Europe/Berlin' } });
  const api = '/admin/api/resources/mailings';

  async function ownerWithMailing(overrides: Parameters<typeof createMailingRow>[2] = {}) {
    const owner = await createUser(db(), { email: 'owner@example.test' });
    const clients = [await createClient(db(), owner), await createClient(db(), owner), await createClient(db(), owner)];
    const message = await createMessage(db(), owner, { subject: 'Winter offers' });
    const mailing = await createMailingRow(db(), owner, { message, clients, name: 'Winter campaign', ...overrides });
    return { owner, mailing, browser: await loggedIn(app().url, owner.email) };
  }

  it('when the list and a record are read, then the mailing is called by its name and its status word is true', async () => {
    const { mailing, browser } = await ownerWithMailing();
    const list = await browser.get(`${api}/actions/list`);
    const row = list.body.records.find((r: { id: string }) => Number(r.id) === mailing.id);
    expect(row.title).to.equal('Winter campaign');
    expect(row.params.state).to.equal('scheduled');
    await mailing.update({ status: 'running', disabledAt: new Date() });
    const show = await browser.get(`${api}/records/${mailing.id}/show`);
    expect(show.body.record.params.state).to.equal('paused-by-manager');
    await mailing.update({ disabledAt: null });
    await db().models.Attempt.create({ mailingId: mailing.id, scheduledFor: new Date(), trigger: 'manual' });
    expect((await browser.get(`${api}/records/${mailing.id}/show`)).body.record.params.state).to.equal('sending');
  });

  it('when a once mailing is completed but its run still retries or is paused, then its status word is sending or paused (Russian: отправляется, приостановлена), and completed once the run ended', async () => {
    const { mailing, browser } = await ownerWithMailing({ periodicity: 'once', endAt: null as never });
    await mailing.update({ status: 'completed', nextRunAt: null });
    const attempt = await db().models.Attempt.create({ mailingId: mailing.id, scheduledFor: new Date(), trigger: 'schedule', status: 'retrying' });
    const state = async (): Promise<string> => (await browser.get(`${api}/records/${mailing.id}/show`)).body.record.params.state;
    expect(await state(), 'a run waiting for a later try').to.equal('sending');
    await attempt.update({ status: 'paused' });
    expect(await state(), 'a paused run').to.equal('paused');
    const listed = (await browser.get(`${api}/actions/list`)).body.records.find((r: { id: string }) => Number(r.id) === mailing.id);
    expect(listed.params.state, 'the list says the same').to.equal('paused');
    await attempt.update({ status: 'success', finishedAt: new Date() });
    expect(await state(), 'the run ended').to.equal('completed');
    const { en } = await import('../../admin/locale/en.js');
    const { ru } = await import('../../admin/locale/ru.js');
    expect([en.resources.mailings.labels.state.paused, ru.resources.mailings.labels.state.paused]).to.deep.equal(['paused', 'приостановлена']);
    expect(ru.resources.mailings.labels.state.sending).to.equal('отправляется');
  });

  it('when an attempt of the mailing is listed in the reports, then it is labelled with the mailing name, also after a rename', async () => {
    const { mailing, browser } = await ownerWithMailing({ startAt: new Date(Date.now() + DAY) });
    await db().models.Attempt.create({ mailingId: mailing.id, scheduledFor: new Date(), trigger: 'manual', status: 'success' });
    const before = await browser.get('/admin/api/resources/attempts/actions/list');
    expect(before.body.records.map((r: { title: string }) => r.title)).to.deep.equal(['Winter campaign']);
    const renamed = await browser.post(`${api}/records/${mailing.id}/edit`, { name: 'Winter campaign 2026' });
    expect(renamed.body.notice.type, JSON.stringify(renamed.body.record?.errors)).to.equal('success');
    const after = await browser.get('/admin/api/resources/attempts/actions/list');
    expect(after.body.records.map((r: { title: string }) => r.title)).to.deep.equal(['Winter campaign 2026']);
  });

  it('when a weekly mailing is shown, then its next five runs are listed in APP_TIMEZONE, named', async () => {
    const startAt = new Date('2030-01-07T08:00:00Z'); // 09:00 in Berlin
    const { mailing, browser } = await ownerWithMailing({ startAt, endAt: new Date('2030-12-31T00:00:00Z'), periodicity: 'weekly' });
    await mailing.update({ nextRunAt: startAt });
    const show = await browser.get(`${api}/records/${mailing.id}/show`);
    const lines = String(show.body.record.params.nextRuns).split('\n');
    expect(lines).to.have.length(5);
    expect(lines[0]).to.equal('Monday, 7 January 2030 at 09:00 (Europe/Berlin)');
    expect(lines[4]).to.equal('Monday, 4 February 2030 at 09:00 (Europe/Berlin)');
  });

  it('when a once mailing is shown, then one run is listed; a completed one lists none', async () => {
    const startAt = new Date('2030-03-01T10:00:00Z');
    const { mailing, browser } = await ownerWithMailing({ startAt, endAt: null as never, periodicity: 'once' });
    await mailing.update({ nextRunAt: startAt });
    const once = await browser.get(`${api}/records/${mailing.id}/show`);
    expect(once.body.record.params.nextRuns).to.equal('Friday, 1 March 2030 at 11:00 (Europe/Berlin)');
    await mailing.update({ status: 'completed', nextRunAt: null });
    const done = await browser.get(`${api}/records/${mailing.id}/show`);
    expect(done.body.record.params).to.include({ state: 'completed', nextRuns: 'No runs ahead' });
  });

  it('when send now is opened, then the record carries its recipients count for the confirmation, which says they all get it again', async () => {
    const { mailing, browser } = await ownerWithMailing();
    const confirm = await browser.get(`${api}/records/${mailing.id}/sendNow`);
    expect(confirm.body.record.params.recipientsCount).to.equal(3);
    const { en } = await import('../../admin/locale/en.js');
    expect(en.resources.mailings.messages.sendNowConfirm.replace('{{recipientsCount}}', '3')).to.equal(
      'Send this mailing now to all its 3 recipients? Each of them gets it again, also those who got it already.',
    );
  });

  it('when one client of the mailing has unsubscribed and one has bounced, then "recipients if sent now", the list count and the send-now question count only the one who would get it', async () => {
    const { mailing, browser } = await ownerWithMailing();
    const clients = await db().models.Client.findAll({ where: { ownerId: mailing.ownerId }, order: [['id', 'ASC']] });
    await clients[0]!.update({ unsubscribedAt: new Date() });
    await clients[1]!.update({ bouncedAt: new Date(), bounceResponse: '550 no such user' });
    const show = await browser.get(`${api}/records/${mailing.id}/show`);
    expect(show.body.record.params.audienceNow).to.equal(1);
    const confirm = await browser.get(`${api}/records/${mailing.id}/sendNow`);
    expect(confirm.body.record.params.recipientsCount).to.equal(1);
    const list = await browser.get(`${api}/actions/list`);
    expect(list.body.records.find((r: { id: string }) => Number(r.id) === mailing.id).params.recipientsCount).to.equal(1);
  });

  it('when a mailing is between runs, then its word is running; when its owner is blocked, then it is paused-by-manager, never running', async () => {
    const { owner, mailing, browser } = await ownerWithMailing();
    await mailing.update({ status: 'running' });
    const between = await browser.get(`${api}/records/${mailing.id}/show`);
    expect(between.body.record.params.state).to.equal('running');
    const manager = await createUser(db(), { email: 'manager@example.test', permissions: ['mailing.view_all', 'user.block'] });
    await owner.update({ blockedAt: new Date() });
    const asManager = await loggedIn(app().url, manager.email);
    const list = await asManager.get(`${api}/actions/list`);
    expect(list.body.records.find((r: { id: string }) => Number(r.id) === mailing.id).params.state).to.equal('paused-by-manager');
  });
});
