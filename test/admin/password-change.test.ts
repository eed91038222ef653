// Changing a password in the back office: the person's other sessions end, the one that made the change stays.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import type { Database } from '../../src/db/database.js';
import { useTestApp } from '../helpers/app.js';
import { AdminClient, loggedIn } from '../helpers/admin-client.js';
import { createUser } from '../helpers/factories.js';

const LIST = '/admin/api/resources/clients/actions/list';

function edit(userId: number): string {
  return `/admin/api/resources/users/records/${userId}/edit`;
}

async function sessionsOf(db: Database, userId: number): Promise<number> {
  const [row] = await db.sequelize.query<{ count: number }>(`SELECT count(*)::int AS count FROM sessions WHERE sess -> 'adminUser' ->> 'id' = :id`, {
    replacements: { id: String(userId) },
    type: 'SELECT' as never,
  });
  return row!.count;
}

describe('changing a password in the back office', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  it('when a user changes their own password in one session, then their other session is refused and this one still works', async () => {
    const user = await createUser(db(), { email: 'two-tabs@example.test' });
    const laptop = await loggedIn(app().url, 'two-tabs@example.test');
    const phone = await loggedIn(app().url, 'two-tabs@example.test');
    expect((await phone.get(LIST)).body.records, 'both sessions work before').to.be.an('array');

    const changed = await laptop.post(edit(user.id), { fullName: 'Two Tabs', password: 'a-brand-new-password-7' });

    expect(changed.body.notice.type, JSON.stringify(changed.body)).to.equal('success');
    const other = await phone.get(LIST);
    expect(other.body?.records, 'the other session gets no data').to.equal(undefined);
    expect([302, 401]).to.include(other.status);
    expect((await laptop.get(LIST)).body.records, 'the session that changed it stays logged in').to.be.an('array');
    expect(await sessionsOf(db(), user.id)).to.equal(1);
    expect((await new AdminClient(app().url).login('two-tabs@example.test', 'a-brand-new-password-7')).location).to.equal('/admin');
  });

  it('when the new password is refused (too short), then no session ends', async () => {
    const user = await createUser(db(), { email: 'short@example.test' });
    const laptop = await loggedIn(app().url, 'short@example.test');
    const phone = await loggedIn(app().url, 'short@example.test');

    const refused = await laptop.post(edit(user.id), { password: 'short' });

    expect(refused.body.record.errors.password.message).to.contain('at least 10');
    expect((await phone.get(LIST)).body.records).to.be.an('array');
    expect(await sessionsOf(db(), user.id)).to.equal(2);
  });

  it('when only the name changes, then no session ends', async () => {
    const user = await createUser(db(), { email: 'rename@example.test' });
    const laptop = await loggedIn(app().url, 'rename@example.test');
    const phone = await loggedIn(app().url, 'rename@example.test');

    const renamed = await laptop.post(edit(user.id), { fullName: 'New Name' });

    expect(renamed.body.notice.type).to.equal('success');
    expect((await phone.get(LIST)).body.records).to.be.an('array');
  });

  it('when the superuser sets another user\'s password, then every session of that user ends and the superuser stays', async () => {
    const user = await createUser(db(), { email: 'forgetful@example.test' });
    await createUser(db(), { email: 'root@example.test', superuser: true });
    const admin = await loggedIn(app().url, 'root@example.test');
    const victim = await loggedIn(app().url, 'forgetful@example.test');

    const changed = await admin.post(edit(user.id), { password: 'set-by-the-admin-9' });

    expect(changed.body.notice.type, JSON.stringify(changed.body)).to.equal('success');
    expect((await victim.get(LIST)).body?.records).to.equal(undefined);
    expect(await sessionsOf(db(), user.id)).to.equal(0);
    expect((await admin.get(LIST)).body.records).to.be.an('array');
  });
});
