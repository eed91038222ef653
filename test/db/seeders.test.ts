import { expect } from 'chai';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/sequelize.js';
import { migrateUp } from '../../src/db/migrator.js';
import { seedAll } from '../../src/db/seeds/demo-seeds.js';
import { verifyPassword } from '../../src/accounts/passwords.js';
import { createScratchDatabase } from '../helpers/database.js';
import { runSequelizeCli } from '../helpers/sequelize-cli.js';

/** The content of every seeded table, ids and timestamps left out, to compare two states. */
async function snapshot(sequelize: Sequelize): Promise<Record<string, unknown[]>> {
  const queries: Record<string, string> = {
    groups: 'SELECT name, permissions FROM groups ORDER BY name',
    users: 'SELECT email, full_name, is_superuser, verified_at IS NOT NULL AS verified FROM users ORDER BY email',
    memberships: 'SELECT u.email, g.name FROM user_groups ug JOIN users u ON u.id = ug.user_id JOIN groups g ON g.id = ug.group_id ORDER BY 1',
    clients: 'SELECT u.email AS owner, c.email FROM clients c JOIN users u ON u.id = c.owner_id ORDER BY 1, 2',
    messages: 'SELECT u.email AS owner, m.subject FROM messages m JOIN users u ON u.id = m.owner_id ORDER BY 1, 2',
    mailings: 'SELECT u.email AS owner, m.status, m.periodicity FROM mailings m JOIN users u ON u.id = m.owner_id ORDER BY 1, 2',
    links: 'SELECT count(*)::int AS count FROM mailing_clients',
    attempts: 'SELECT status, recipients_count, sent_count FROM attempts ORDER BY 1, 2',
    deliveries: 'SELECT count(*)::int AS count FROM deliveries',
    posts: 'SELECT title, image, published_at IS NOT NULL AS published FROM blog_posts ORDER BY title',
  };
  const result: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(queries)) result[name] = await sequelize.query(sql, { type: QueryTypes.SELECT });
  return result;
}

describe('the demo seeders', () => {
  let sequelize: Sequelize;
  let url: string;

  beforeEach(async () => {
    url = await createScratchDatabase('seeders');
    sequelize = createSequelize(url);
    await migrateUp(sequelize);
  });
  afterEach(() => sequelize.close());

  it('when run, then the groups, the five verified demo accounts and their data exist', async () => {
    await seedAll(sequelize, 'demo12345');
    const data = await snapshot(sequelize);
    expect(data.groups).to.deep.equal([
      { name: 'content_managers', permissions: ['blog.manage'] },
      { name: 'managers', permissions: ['mailing.view_all', 'mailing.disable', 'user.view_all', 'user.block'] },
    ]);
    expect(data.users).to.have.length(5);
    expect(data.users!.every((user) => (user as { verified: boolean }).verified)).to.equal(true);
    expect(data.users).to.deep.include({ email: 'admin@example.com', full_name: 'Ada Admin', is_superuser: true, verified: true });
    expect(data.memberships).to.deep.equal([
      { email: 'content@example.com', name: 'content_managers' },
      { email: 'manager@example.com', name: 'managers' },
    ]);
    for (const owner of ['user@example.com', 'user2@example.com']) {
      const statuses = (data.mailings as Array<{ owner: string; status: string }>).filter((m) => m.owner === owner).map((m) => m.status);
      expect(statuses, owner).to.have.members(['completed', 'created', 'running']);
      expect((data.clients as Array<{ owner: string }>).filter((c) => c.owner === owner), owner).to.have.length.greaterThan(2);
    }
    const posts = data.posts as Array<{ image: string | null; published: boolean }>;
    expect(posts.filter((p) => p.published && p.image)).to.have.length.greaterThanOrEqual(3);
    expect(posts.filter((p) => !p.published)).to.have.length(1);

    const [admin] = await sequelize.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE email = 'admin@example.com'`, {
      type: QueryTypes.SELECT,
    });
    expect(await verifyPassword('demo12345', admin!.password_hash)).to.equal(true);
  });

  it('when run twice, then the second run changes nothing and fails nothing', async () => {
    await seedAll(sequelize, 'demo12345');
    const first = await snapshot(sequelize);
    await seedAll(sequelize, 'demo12345');
    expect(await snapshot(sequelize)).to.deep.equal(first);
  });

  it('when the operator runs sequelize-cli db:seed:all twice, then both succeed and the data is the same', async function () {
    this.timeout(120_000);
    const first = await runSequelizeCli(['db:seed:all'], { DATABASE_URL: url });
    expect(first.code, first.output).to.equal(0);
    const after = await snapshot(sequelize);
    expect(after.users).to.have.length(5);
    const second = await runSequelizeCli(['db:seed:all'], { DATABASE_URL: url });
    expect(second.code, second.output).to.equal(0);
    expect(await snapshot(sequelize)).to.deep.equal(after);
  });

  it('when run in production without SEED_PASSWORD, then it refuses and creates no account', async function () {
    this.timeout(120_000);
    const result = await runSequelizeCli(['db:seed:all'], {
      DATABASE_URL: url,
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://127.0.0.1:1',
      SESSION_SECRET: 'a-long-enough-secret-value',
      SEED_PASSWORD: '',
    });
    expect(result.code).to.not.equal(0);
    expect(result.output).to.contain('SEED_PASSWORD must be set to seed the demo accounts in production');
    const [row] = await sequelize.query<{ count: number }>('SELECT count(*)::int AS count FROM users', { type: QueryTypes.SELECT });
    expect(row!.count).to.equal(0);
  });
});
