// Demo data for a new installation: groups, the five demo accounts, their clients, messages, mailings, a blog.
// Every step inserts only what is missing, so running the seeders again changes nothing.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { hashPassword } from '../../accounts/passwords.js';
import { PERMISSIONS } from '../../access/permissions.js';
import { ConfigError } from '../../errors.js';

export const SEED_GROUPS: ReadonlyArray<{ name: string; permissions: string[] }> = [
  {
    name: 'managers',
    permissions: [PERMISSIONS.mailing.viewAll, PERMISSIONS.mailing.disable, PERMISSIONS.user.viewAll, PERMISSIONS.user.block],
  },
  { name: 'content_managers', permissions: [PERMISSIONS.blog.manage] },
];

export const SEED_USERS: ReadonlyArray<{ email: string; fullName: string; superuser?: boolean; group?: string }> = [
  { email: 'admin@example.com', fullName: 'Ada Admin', superuser: true },
  { email: 'manager@example.com', fullName: 'Max Manager', group: 'managers' },
  { email: 'content@example.com', fullName: 'Cora Content', group: 'content_managers' },
  { email: 'user@example.com', fullName: 'Uma User' },
  { email: 'user2@example.com', fullName: 'Otto Other' },
];

const DAY = 24 * 60 * 60 * 1000;

async function one<T extends object>(sequelize: Sequelize, sql: string, replacements: Record<string, unknown>, transaction: Transaction): Promise<T | undefined> {
  const rows = await sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements, transaction });
  return rows[0];
}

export async function seedGroups(sequelize: Sequelize): Promise<void> {
  await sequelize.transaction(async (transaction) => {
    for (const group of SEED_GROUPS) {
      await sequelize.query(
        `INSERT INTO groups (name, permissions) SELECT :name, ARRAY[:permissions]::text[]
         WHERE NOT EXISTS (SELECT 1 FROM groups WHERE lower(name) = lower(:name))`,
        { replacements: group, transaction },
      );
    }
  });
}

/** The demo accounts, all verified; `password` is SEED_PASSWORD (refused when missing, as in production). */
export async function seedUsers(sequelize: Sequelize, password: string | undefined): Promise<void> {
  if (password === undefined) {
    throw new ConfigError('SEED_PASSWORD', 'must be set to seed the demo accounts in production');
  }
  const existing = await sequelize.query<{ email: string }>('SELECT lower(email) AS email FROM users', { type: QueryTypes.SELECT });
  const missing = SEED_USERS.filter((user) => !existing.some((row) => row.email === user.email));
  // bcrypt is slow on purpose: hash once, and only when an account is missing.
  const hash = missing.length > 0 ? await hashPassword(password) : '';
  await sequelize.transaction(async (transaction) => {
    for (const user of missing) {
      await sequelize.query(
        `INSERT INTO users (email, password_hash, full_name, verified_at, is_superuser)
         VALUES (:email, :hash, :fullName, now(), :superuser) ON CONFLICT DO NOTHING`,
        { replacements: { email: user.email, hash, fullName: user.fullName, superuser: user.superuser ?? false }, transaction },
      );
    }
    for (const user of SEED_USERS.filter((u) => u.group)) {
      await sequelize.query(
        `INSERT INTO user_groups (user_id, group_id)
         SELECT u.id, g.id FROM users u, groups g WHERE lower(u.email) = :email AND lower(g.name) = :group
         ON CONFLICT DO NOTHING`,
        { replacements: { email: user.email, group: user.group }, transaction },
      );
    }
  });
}

const DEMO_CLIENTS = [
  ['Alice Martin', 'long-time customer'],
  ['Bob Chen', ''],
  ['Carla Diaz', 'prefers weekly news'],
  ['Dmitri Ivanov', ''],
  ['Eve Laurent', 'VIP'],
];

/** Clients, messages and a mailing in every status for a demo user who has none yet. */
async function seedUserData(sequelize: Sequelize, email: string, label: string, transaction: Transaction): Promise<void> {
  const owner = await one<{ id: number }>(sequelize, 'SELECT id FROM users WHERE lower(email) = :email', { email }, transaction);
  if (!owner) return;
  const has = await one<{ count: number }>(sequelize, 'SELECT count(*)::int AS count FROM clients WHERE owner_id = :id', { id: owner.id }, transaction);
  if (has && has.count > 0) return;

  const clientIds: number[] = [];
  for (const [index, [fullName, comment]] of DEMO_CLIENTS.entries()) {
    const address = `${fullName.split(' ')[0]!.toLowerCase()}.${label}@example.net`;
    const row = await one<{ id: number }>(
      sequelize,
      'INSERT INTO clients (owner_id, email, full_name, comment) VALUES (:owner, :address, :fullName, :comment) RETURNING id',
      { owner: owner.id, address, fullName, comment },
      transaction,
    );
    if (row) clientIds[index] = row.id;
  }
  const messageIds: number[] = [];
  for (const [subject, body] of [
    [`${label}: monthly newsletter`, 'Hello!\n\nHere is what is new this month.\n\nBest regards'],
    [`${label}: spring sale`, 'Everything is 20% off this week. See you soon!'],
  ]) {
    const row = await one<{ id: number }>(
      sequelize,
      'INSERT INTO messages (owner_id, subject, body) VALUES (:owner, :subject, :body) RETURNING id',
      { owner: owner.id, subject, body },
      transaction,
    );
    if (row) messageIds.push(row.id);
  }

  const now = Date.now();
  const mailings = [
    // created: starts next week, nothing sent yet
    { message: 0, start: now + 7 * DAY, end: now + 60 * DAY, periodicity: 'weekly', status: 'created', next: now + 7 * DAY, last: null, clients: [0, 1, 2] },
    // running: started three days ago, runs daily
    { message: 1, start: now - 3 * DAY, end: now + 30 * DAY, periodicity: 'daily', status: 'running', next: now + DAY, last: now - 2 * DAY, clients: [0, 3, 4] },
    // completed: its window is over
    { message: 0, start: now - 90 * DAY, end: now - 10 * DAY, periodicity: 'monthly', status: 'completed', next: null, last: now - 30 * DAY, clients: [1, 2] },
  ];
  for (const mailing of mailings) {
    const row = await one<{ id: number }>(
      sequelize,
      `INSERT INTO mailings (owner_id, message_id, start_at, end_at, periodicity, status, next_run_at, last_run_at)
       VALUES (:owner, :message, :start, :end, :periodicity, :status, :next, :last) RETURNING id`,
      {
        owner: owner.id,
        message: messageIds[mailing.message],
        start: new Date(mailing.start),
        end: new Date(mailing.end),
        periodicity: mailing.periodicity,
        status: mailing.status,
        next: mailing.next === null ? null : new Date(mailing.next),
        last: mailing.last === null ? null : new Date(mailing.last),
      },
      transaction,
    );
    if (!row) continue;
    for (const index of mailing.clients) {
      await sequelize.query('INSERT INTO mailing_clients (mailing_id, client_id) VALUES (:mailing, :client)', {
        replacements: { mailing: row.id, client: clientIds[index] },
        transaction,
      });
    }
    if (mailing.last !== null) await seedAttempt(sequelize, row.id, new Date(mailing.last), mailing.clients.map((i) => clientIds[i]!), transaction);
  }
}

/** A finished run with its deliveries, so the reports have something to show. */
async function seedAttempt(sequelize: Sequelize, mailingId: number, at: Date, clientIds: number[], transaction: Transaction): Promise<void> {
  const attempt = await one<{ id: number }>(
    sequelize,
    `INSERT INTO attempts (mailing_id, scheduled_for, attempted_at, finished_at, status, trigger, server_response, recipients_count, sent_count, failed_count)
     VALUES (:mailing, :at, :at, :at, 'success', 'schedule', '250 OK: queued', :count, :count, 0) RETURNING id`,
    { mailing: mailingId, at, count: clientIds.length },
    transaction,
  );
  if (!attempt) return;
  await sequelize.query(
    `INSERT INTO deliveries (attempt_id, client_id, email, status, tries, response_code, response, sent_at)
     SELECT :attempt, c.id, c.email, 'sent', 1, 250, '250 OK: queued', :at FROM clients c WHERE c.id IN (:clients)`,
    { replacements: { attempt: attempt.id, at, clients: clientIds }, transaction },
  );
}

export async function seedDemoData(sequelize: Sequelize): Promise<void> {
  await sequelize.transaction(async (transaction) => {
    await seedUserData(sequelize, 'user@example.com', 'uma', transaction);
    await seedUserData(sequelize, 'user2@example.com', 'otto', transaction);
  });
}

const POSTS = [
  {
    title: 'Welcome to Mailing Service',
    image: '/static/blog/welcome.svg',
    content: 'Mailing Service sends your newsletters on time, once, to exactly the people you chose.\n\nCreate clients, write a message, pick a schedule: we do the rest.',
    daysAgo: 20,
  },
  {
    title: 'Five tips for subject lines that get opened',
    image: '/static/blog/tips.svg',
    content: 'Keep it short. Say what is inside. Avoid ALL CAPS. Personalise when you can. Test before you send.',
    daysAgo: 12,
  },
  {
    title: 'Daily, weekly or monthly?',
    image: '/static/blog/calendar.svg',
    content: 'How often should you write to your clients? It depends on what you have to say: news daily, digests weekly, reports monthly.',
    daysAgo: 6,
  },
  {
    title: 'What our delivery reports tell you',
    image: '/static/blog/reports.svg',
    content: 'Every run of a mailing is recorded with the mail server\'s answer for each recipient, so you always know who got what.',
    daysAgo: 2,
  },
  { title: 'Coming soon: templates (draft)', image: null, content: 'Draft: reusable message templates.', daysAgo: null },
];

export async function seedBlog(sequelize: Sequelize): Promise<void> {
  await sequelize.transaction(async (transaction) => {
    for (const post of POSTS) {
      await sequelize.query(
        `INSERT INTO blog_posts (title, content, image, published_at, views_count, author_id)
         SELECT :title, :content, :image, :publishedAt, :views, (SELECT id FROM users WHERE lower(email) = 'content@example.com')
         WHERE NOT EXISTS (SELECT 1 FROM blog_posts WHERE title = :title)`,
        {
          replacements: {
            title: post.title,
            content: post.content,
            image: post.image,
            publishedAt: post.daysAgo === null ? null : new Date(Date.now() - post.daysAgo * DAY),
            views: post.daysAgo === null ? 0 : post.daysAgo * 7,
          },
          transaction,
        },
      );
    }
  });
}

/** Every demo seed in order; what `npx sequelize db:seed:all` and the first `npm start` run. */
export async function seedAll(sequelize: Sequelize, password: string | undefined): Promise<void> {
  await seedGroups(sequelize);
  await seedUsers(sequelize, password);
  await seedDemoData(sequelize);
  await seedBlog(sequelize);
}
