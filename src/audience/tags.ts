// Tags of clients, per owner: names as a person types them ("vip, Москва"), found or created whatever their case,
// and set on clients in whole statements.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { ValidationError } from '../errors.js';
import { TAG_NAME_MAX } from '../models/tag.js';

export interface TagRef {
  id: number;
  name: string;
}

/**
 * The tag names in a text ("vip, Москва; new"): split on commas and semicolons, trimmed, blanks dropped, each name
 * once whatever its case (the first spelling wins). Throws a ValidationError on `field` for a name too long.
 */
export function tagNames(text: string | readonly string[] | undefined | null, field = 'tags'): string[] {
  const parts = Array.isArray(text) ? text : String(text ?? '').split(/[,;]/);
  const seen = new Set<string>();
  const names: string[] = [];
  for (const part of parts) {
    const name = String(part).trim().replace(/\s+/g, ' ');
    if (name === '') continue;
    if (name.length > TAG_NAME_MAX) {
      throw new ValidationError(`A tag is at most ${TAG_NAME_MAX} characters: "${name.slice(0, 30)}…"`, { [field]: `A tag is at most ${TAG_NAME_MAX} characters` });
    }
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    names.push(name);
  }
  return names;
}

export function clientTags(sequelize: Sequelize) {
  return {
    /** The owner's tags with these names, created when missing; one statement each way. */
    async ensure(ownerId: number, names: readonly string[], transaction?: Transaction): Promise<TagRef[]> {
      if (names.length === 0) return [];
      await sequelize.query(
        `INSERT INTO tags (owner_id, name) SELECT $1, name FROM unnest($2::text[]) AS wanted (name)
         ON CONFLICT (owner_id, lower(name)) DO NOTHING`,
        { bind: [ownerId, names], transaction },
      );
      return sequelize.query<TagRef>(
        `SELECT t.id, t.name FROM tags t WHERE t.owner_id = $1 AND lower(t.name) IN (SELECT lower(unnest($2::text[]))) ORDER BY lower(t.name)`,
        { bind: [ownerId, names], type: QueryTypes.SELECT, transaction },
      );
    },

    /** Makes the client's tags exactly these names (the client is the owner's, already checked). */
    async set(ownerId: number, clientId: number, names: readonly string[], transaction: Transaction): Promise<void> {
      const tags = await this.ensure(ownerId, names, transaction);
      const ids = tags.map((tag) => tag.id);
      await sequelize.query('DELETE FROM client_tags WHERE client_id = $1 AND tag_id NOT IN (SELECT unnest($2::int[]))', { bind: [clientId, ids], transaction });
      await sequelize.query('INSERT INTO client_tags (tag_id, client_id) SELECT unnest($2::int[]), $1 ON CONFLICT DO NOTHING', { bind: [clientId, ids], transaction });
    },

    /** Each client's tag names, "a, b", in one query. */
    async namesOf(clientIds: readonly number[]): Promise<Map<number, string>> {
      const names = new Map<number, string>();
      if (clientIds.length === 0) return names;
      const rows = await sequelize.query<{ client_id: number; names: string }>(
        `SELECT ct.client_id, string_agg(t.name, ', ' ORDER BY lower(t.name)) AS names
         FROM client_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.client_id = ANY($1::int[]) GROUP BY ct.client_id`,
        { bind: [clientIds], type: QueryTypes.SELECT },
      );
      for (const row of rows) names.set(Number(row.client_id), row.names);
      return names;
    },

    /** The owner's tags whose name contains the text (any case), with how many clients carry each. */
    async search(ownerId: number, text: string, limit = 20): Promise<Array<TagRef & { clients: number }>> {
      return sequelize.query<TagRef & { clients: number }>(
        `SELECT t.id, t.name, (SELECT count(*)::int FROM client_tags ct WHERE ct.tag_id = t.id) AS clients
         FROM tags t WHERE t.owner_id = $1 AND strpos(lower(t.name), lower($2)) > 0 ORDER BY lower(t.name), t.id LIMIT $3`,
        { bind: [ownerId, text.trim(), limit], type: QueryTypes.SELECT },
      );
    },

    /** Of these ids, the owner's tags (the others name nothing the owner has). */
    async owned(ownerId: number, tagIds: readonly number[], transaction?: Transaction): Promise<TagRef[]> {
      if (tagIds.length === 0) return [];
      return sequelize.query<TagRef>(
        'SELECT t.id, t.name FROM tags t WHERE t.owner_id = $1 AND t.id = ANY($2::int[]) ORDER BY lower(t.name)',
        { bind: [ownerId, tagIds.filter((id) => id <= 2_147_483_647)], type: QueryTypes.SELECT, transaction },
      );
    },
  };
}

export type ClientTags = ReturnType<typeof clientTags>;
