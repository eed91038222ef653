// Builders of valid records for tests; each takes overrides for what the test is about.
import { hashPassword } from '../../src/accounts/passwords.js';
import type { Database } from '../../src/db/database.js';
import type { Client, Group, Mailing, Message, User } from '../../src/models/index.js';
import type { Periodicity, MailingStatus } from '../../src/models/mailing.js';

let counter = 0;
const next = (): number => ++counter;

export const TEST_PASSWORD = 'correct-horse-42';
let testHash: Promise<string> | undefined;

export async function createUser(
  db: Database,
  overrides: Partial<{ email: string; fullName: string; password: string; verified: boolean; blocked: boolean; superuser: boolean; permissions: string[] }> = {},
): Promise<User> {
  const { User, Group } = db.models;
  // a low bcrypt cost keeps tests fast; the production cost is tested in accounts
  testHash ??= hashPassword(TEST_PASSWORD, 4);
  const passwordHash = overrides.password ? await hashPassword(overrides.password, 4) : await testHash;
  const user = await User.create({
    email: overrides.email ?? `user${next()}@example.test`,
    fullName: overrides.fullName ?? 'Test User',
    passwordHash,
    verifiedAt: overrides.verified === false ? null : new Date(),
    blockedAt: overrides.blocked ? new Date() : null,
    blockedById: null,
    isSuperuser: overrides.superuser ?? false,
    lastLoginAt: null,
  });
  if (overrides.permissions) {
    const group: Group = await Group.create({ name: `group${next()}`, permissions: overrides.permissions });
    await db.models.UserGroup.create({ userId: user.id, groupId: group.id });
  }
  return user;
}

export async function createClient(db: Database, owner: User, overrides: Partial<{ email: string; fullName: string; comment: string }> = {}): Promise<Client> {
  const n = next();
  return db.models.Client.create({
    ownerId: owner.id,
    email: overrides.email ?? `client${n}@example.test`,
    fullName: overrides.fullName ?? `Client ${n}`,
    comment: overrides.comment ?? '',
  });
}

export async function createMessage(db: Database, owner: User, overrides: Partial<{ subject: string; body: string }> = {}): Promise<Message> {
  return db.models.Message.create({
    ownerId: owner.id,
    subject: overrides.subject ?? `Subject ${next()}`,
    body: overrides.body ?? 'Hello from the tests.',
  });
}

/** A mailing row with its clients, written directly (no scheduling): for tests of reads and access. */
export async function createMailingRow(
  db: Database,
  owner: User,
  overrides: Partial<{ message: Message; clients: Client[]; startAt: Date; endAt: Date; periodicity: Periodicity; status: MailingStatus; name: string }> = {},
): Promise<Mailing> {
  const message = overrides.message ?? (await createMessage(db, owner));
  const startAt = overrides.startAt ?? new Date(Date.now() + 24 * 3600_000);
  const mailing = await db.models.Mailing.create({
    ownerId: owner.id,
    // without a name the database names it after the message's subject
    ...(overrides.name === undefined ? {} : { name: overrides.name }),
    messageId: message.id,
    startAt,
    endAt: overrides.endAt ?? new Date(startAt.getTime() + 30 * 24 * 3600_000),
    periodicity: overrides.periodicity ?? 'daily',
    status: overrides.status ?? 'created',
  });
  for (const client of overrides.clients ?? []) {
    await db.models.MailingClient.create({ mailingId: mailing.id, clientId: client.id });
  }
  return mailing;
}
