// The back office's error handler as mounted by the real app: what fails under /admin on our side is answered
// there, as a JSON notice that names nothing of the failure (no longer the public site's HTML page).
import { expect } from 'chai';
import { useTestDatabase } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { loggedIn } from '../helpers/admin-client.js';
import { createClient, createUser } from '../helpers/factories.js';

describe('errors in the back office, answered by the back office', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  it('when the database fails during an API call, then 500 with a JSON notice that leaks nothing, and the service keeps serving', async () => {
    await createUser(db(), { email: 'user@example.test' });
    const client = await loggedIn(app().url, 'user@example.test');
    const sequelize = db().sequelize as unknown as { query: (...args: unknown[]) => unknown };
    const original = sequelize.query;
    sequelize.query = () => Promise.reject(new Error('connection lost to db.internal'));
    let response;
    try {
      response = await client.get('/admin/api/resources/clients/actions/list');
    } finally {
      sequelize.query = original;
    }

    expect(response.status).to.equal(500);
    expect(response.body).to.deep.equal({ notice: { message: 'Something went wrong on our side. Please try again.', type: 'error' }, records: [] });
    expect(response.text).to.not.contain('connection lost').and.not.contain('db.internal');
    expect((await client.get('/admin/api/resources/clients/actions/list')).status).to.equal(200);
  });

  it("when a bulk action names ids the user cannot see (AdminJS throws), then 404 with a notice, and nothing is deleted", async () => {
    const owner = await createUser(db(), { email: 'owner@example.test' });
    await createUser(db(), { email: 'other@example.test' });
    const theirs = await createClient(db(), owner);
    const client = await loggedIn(app().url, 'other@example.test');

    const response = await client.post(`/admin/api/resources/clients/bulk/bulkDelete?recordIds=${theirs.id}`);

    expect(response.status).to.equal(404);
    expect(response.body).to.deep.equal({ notice: { message: 'Nothing was found for these ids.', type: 'error' }, records: [] });
    expect(await db().models.Client.findByPk(theirs.id)).to.not.equal(null);
  });
});
