// The records every authorization test starts from: two users with their own clients, messages, mailings and
// reports, a manager, a content manager, a superuser, and a blog post.
import type { Database } from '../../src/db/database.js';
import type { User } from '../../src/models/index.js';
import { createClient, createMailingRow, createMessage, createUser } from '../helpers/factories.js';

export const ROLES = ['user', 'user2', 'manager', 'content', 'superuser'] as const;
export type Role = (typeof ROLES)[number];

export const MANAGER_PERMISSIONS = ['mailing.view_all', 'mailing.disable', 'user.view_all', 'user.block'];

export interface Owned {
  client: number;
  message: number;
  mailing: number;
  attempt: number;
  delivery: number;
  /** A message no mailing uses (so it can be deleted). */
  spareMessage: number;
}

export interface World {
  users: Record<Role, User>;
  owned: Record<'user' | 'user2' | 'superuser', Owned>;
  blogPost: number;
  /** The groups the manager and the content manager belong to. */
  groups: number[];
}

async function ownedBy(db: Database, owner: User): Promise<Owned> {
  const client = await createClient(db, owner);
  const message = await createMessage(db, owner);
  const mailing = await createMailingRow(db, owner, { message, clients: [client] });
  const attempt = await db.models.Attempt.create({ mailingId: mailing.id, scheduledFor: new Date(), trigger: 'manual', status: 'success', serverResponse: '250 2.0.0 OK', recipientsCount: 1, sentCount: 1 });
  const delivery = await db.models.Delivery.create({ attemptId: attempt.id, clientId: client.id, email: client.email, status: 'sent', responseCode: 250, response: '250 OK', sentAt: new Date() });
  const spare = await createMessage(db, owner);
  return { client: client.id, message: message.id, mailing: mailing.id, attempt: attempt.id, delivery: Number(delivery.id), spareMessage: spare.id };
}

export async function buildWorld(db: Database): Promise<World> {
  const users = {
    user: await createUser(db, { email: 'user@example.test' }),
    user2: await createUser(db, { email: 'user2@example.test' }),
    manager: await createUser(db, { email: 'manager@example.test', permissions: MANAGER_PERMISSIONS }),
    content: await createUser(db, { email: 'content@example.test', permissions: ['blog.manage'] }),
    superuser: await createUser(db, { email: 'admin@example.test', superuser: true }),
  };
  const owned = {
    user: await ownedBy(db, users.user),
    user2: await ownedBy(db, users.user2),
    superuser: await ownedBy(db, users.superuser),
  };
  const post = await db.models.BlogPost.create({ title: 'Hello', content: 'World', authorId: users.content.id });
  const groups = (await db.models.Group.findAll()).map((g) => g.id);
  return { users, owned, blogPost: post.id, groups };
}
