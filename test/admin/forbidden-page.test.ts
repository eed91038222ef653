// The 403 page of the back office: a screen a person may not use, opened by its address, says so in their language.
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { AdminClient, loggedIn } from '../helpers/admin-client.js';
import { buildWorld } from './world.js';
import { en } from '../../admin/locale/en.js';
import { ru } from '../../admin/locale/ru.js';

describe('the back office 403 page', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  it('when a user opens the disable screen of their own mailing, then the answer is a 403 page saying they may not, with the way back, and no key or template', async () => {
    const world = await buildWorld(db());
    const user = await loggedIn(app().url, 'user@example.test');

    const page = await user.get(`/admin/resources/mailings/records/${world.owned.user.mailing}/disable`);

    expect(page.status).to.equal(403);
    expect(page.text).to.contain(`<h1>${en.messages.forbiddenPage_title}</h1>`).and.contain(en.messages.forbiddenError).and.contain(`href="/admin">${en.messages.forbiddenPage_back}`);
    expect(page.text).to.not.contain('{{').and.not.match(/\b(disable|forbiddenError|actionName)\b/);
  });

  it('when the person\'s language is Russian, then the 403 page is in Russian', async () => {
    const world = await buildWorld(db());
    await world.users.user.update({ language: 'ru' });
    const user = await loggedIn(app().url, 'user@example.test');
    const browser = new AdminClient(app().url, { 'accept-language': 'ru-RU,ru;q=0.9' });
    await browser.login('user2@example.test');

    const own = await user.get('/admin/resources/groups');
    const byBrowser = await browser.get(`/admin/resources/users/records/${world.users.user2.id}/block`);

    expect(own.status).to.equal(403);
    expect(own.text).to.contain('<html lang="ru">').and.contain(ru.messages.forbiddenPage_title).and.contain(ru.messages.forbiddenError).and.contain(ru.messages.forbiddenPage_back);
    expect(byBrowser.status).to.equal(403);
    expect(byBrowser.text).to.contain(ru.messages.forbiddenPage_title);
  });

  it('when a manager opens the same screen, or a user opens a mailing that is not theirs, then no 403 page is given (the screen, or AdminJS\'s "not found")', async () => {
    const world = await buildWorld(db());
    const manager = await loggedIn(app().url, 'manager@example.test');
    const user = await loggedIn(app().url, 'user@example.test');

    const allowed = await manager.get(`/admin/resources/mailings/records/${world.owned.user.mailing}/disable`);
    const notTheirs = await user.get(`/admin/resources/mailings/records/${world.owned.user2.mailing}/disable`);
    const ownShow = await user.get(`/admin/resources/mailings/records/${world.owned.user.mailing}/show`);

    expect(allowed.status).to.equal(200);
    expect(allowed.text).to.contain('window.REDUX_STATE');
    expect(notTheirs.status).to.equal(200);
    expect(notTheirs.text).to.contain('window.REDUX_STATE').and.not.contain(`<h1>${en.messages.forbiddenPage_title}</h1>`);
    expect(ownShow.status).to.equal(200);
  });

  it('when the API is asked for a forbidden action, then it still answers 200 with the error in the body', async () => {
    const world = await buildWorld(db());
    const user = await loggedIn(app().url, 'user@example.test');

    const answer = await user.get(`/admin/api/resources/mailings/records/${world.owned.user.mailing}/disable`);

    expect(answer.status).to.equal(200);
    expect(answer.body.notice.type).to.equal('error');
  });
});
