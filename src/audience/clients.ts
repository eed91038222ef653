// A client written from the form with its tags, in one transaction: the model's own validation (e-mail, lengths)
// and the tag names' (comma-separated) — either refusal leaves nothing written.
import { Op } from 'sequelize';
import { assertCan, scope, type Actor } from '../access/policy.js';
import { NotFoundError } from '../errors.js';
import type { Database } from '../db/database.js';
import type { Client } from '../models/index.js';
import { MAX_INTEGER_ID } from '../models/limits.js';
import { clientTags, tagNames } from './tags.js';

export interface ClientValues {
  email?: string;
  fullName?: string;
  comment?: string;
  /** "vip, Москва": the client's tags, exactly (absent: unchanged). */
  tags?: string;
}

function fields(values: ClientValues): Partial<Pick<Client, 'email' | 'fullName' | 'comment'>> {
  const result: Partial<Pick<Client, 'email' | 'fullName' | 'comment'>> = {};
  for (const key of ['email', 'fullName', 'comment'] as const) if (values[key] !== undefined) result[key] = String(values[key] ?? '');
  return result;
}

export function clientWrites(db: Database) {
  const { sequelize, models } = db;
  const tags = clientTags(sequelize);
  return {
    async create(actor: Actor, values: ClientValues): Promise<Client> {
      assertCan(actor, 'new', 'clients', { ownerId: actor.id });
      const names = tagNames(values.tags);
      return sequelize.transaction(async (transaction) => {
        const client = await models.Client.create({ ownerId: actor.id, email: '', ...fields(values) } as never, { transaction });
        if (names.length > 0) await tags.set(client.ownerId, client.id, names, transaction);
        return client;
      });
    },

    async update(actor: Actor, id: number, values: ClientValues): Promise<Client> {
      const names = values.tags === undefined ? undefined : tagNames(values.tags);
      return sequelize.transaction(async (transaction) => {
        const client = Number.isInteger(id) && id > 0 && id <= MAX_INTEGER_ID
          ? await models.Client.findOne({ where: { [Op.and]: [{ id }, scope(actor, 'clients')] }, transaction, lock: true })
          : null;
        if (!client) throw new NotFoundError('This client no longer exists.');
        assertCan(actor, 'edit', 'clients', client);
        await client.update(fields(values), { transaction });
        // a superuser editing someone's client: the tags are the client owner's
        if (names !== undefined) await tags.set(client.ownerId, client.id, names, transaction);
        return client;
      });
    },
  };
}
