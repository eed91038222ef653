// A mailing's recipients read and written in whole statements (one query, one array), so a mailing to 10,000
// clients costs the event loop linear work only: no model instance or query per recipient.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

/** How many recipients the show page names before "and N more". */
export const RECIPIENTS_PREVIEWED = 20;
/** The largest PostgreSQL integer, the type of client ids. */
const MAX_ID = 2_147_483_647;

export interface Recipient {
  id: number;
  email: string;
  fullName: string;
}

export interface RecipientsPreview {
  count: number;
  /** The first recipients by e-mail, at most the limit asked for. */
  first: Recipient[];
}

/** "Ann <ann@x.test>" or the bare address when the client has no name. */
export function recipientLabel(client: Pick<Recipient, 'email' | 'fullName'>): string {
  return client.fullName ? `${client.fullName} <${client.email}>` : client.email;
}

/**
 * The ids of the clients a mailing reaches now, each once: its chosen clients, every client carrying one of its
 * tags, and every client of its owner when it goes to all. `mailing` is the SQL of the mailing's id (a bind
 * parameter such as '$2'). Only the owner's clients: callers join it as `c.id IN (…)` with `c.owner_id` checked.
 */
export function audienceIdsSql(mailing: string): string {
  return `SELECT c.id FROM clients c WHERE c.owner_id = (SELECT m.owner_id FROM mailings m WHERE m.id = ${mailing} AND m.audience_all)
    UNION SELECT mc.client_id FROM mailing_clients mc WHERE mc.mailing_id = ${mailing}
    UNION SELECT ct.client_id FROM mailing_tags mt JOIN client_tags ct ON ct.tag_id = mt.tag_id WHERE mt.mailing_id = ${mailing}`;
}

/** The owner of a mailing, as SQL (for `c.owner_id = …`). */
export function mailingOwnerSql(mailing: string): string {
  return `(SELECT m.owner_id FROM mailings m WHERE m.id = ${mailing})`;
}

/** Which clients of the audience count: all of them (a run's snapshot holds them all, skipping some), or only those a
 * run would really mail (not unsubscribed, not bounced). */
export interface AudienceCountOptions {
  /** Count only the clients who would get the mail (the back office's "recipients if sent now"). */
  reachableOnly?: boolean;
}

/** SQL narrowing `clients c` to those a run mails (the snapshot marks the others skipped: src/sending/snapshot.ts). */
const REACHABLE_SQL = ' AND c.unsubscribed_at IS NULL AND c.bounced_at IS NULL';

export function mailingRecipients(sequelize: Sequelize) {
  return {
    /** Per mailing, how many clients a run starting now would take in (for a list page: one query for the page). */
    async audienceCounts(mailingIds: readonly number[], options: AudienceCountOptions = {}): Promise<Map<number, number>> {
      const counts = new Map<number, number>(mailingIds.map((id) => [id, 0]));
      if (mailingIds.length === 0) return counts;
      const reachable = options.reachableOnly ? REACHABLE_SQL : '';
      const rows = await sequelize.query<{ id: number; n: number }>(
        `SELECT m.id, (SELECT count(*)::int FROM clients c WHERE c.owner_id = m.owner_id AND c.id IN (${audienceIdsSql('m.id')})${reachable}) AS n
         FROM mailings m WHERE m.id = ANY($1::int[])`,
        { bind: [mailingIds], type: QueryTypes.SELECT },
      );
      for (const row of rows) counts.set(Number(row.id), row.n);
      return counts;
    },

    /** How many clients the mailing's next run would take in if it started now (its audience resolved now). */
    async audienceCount(mailingId: number, options: AudienceCountOptions = {}): Promise<number> {
      const reachable = options.reachableOnly ? REACHABLE_SQL : '';
      const [row] = await sequelize.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM clients c WHERE c.owner_id = ${mailingOwnerSql('$1')} AND c.id IN (${audienceIdsSql('$1')})${reachable}`,
        { bind: [mailingId], type: QueryTypes.SELECT },
      );
      return row?.n ?? 0;
    },

    /** The tags a mailing targets, by name. */
    async tags(mailingId: number, transaction?: Transaction): Promise<Array<{ id: number; name: string }>> {
      return sequelize.query<{ id: number; name: string }>(
        'SELECT t.id, t.name FROM mailing_tags mt JOIN tags t ON t.id = mt.tag_id WHERE mt.mailing_id = $1 ORDER BY lower(t.name), t.id',
        { bind: [mailingId], type: QueryTypes.SELECT, transaction },
      );
    },

    /** Makes the mailing's tags exactly `tagIds` (already checked as the owner's). */
    async replaceTags(mailingId: number, tagIds: readonly number[], transaction: Transaction): Promise<void> {
      await sequelize.query('DELETE FROM mailing_tags WHERE mailing_id = $1 AND tag_id NOT IN (SELECT unnest($2::int[]))', { bind: [mailingId, tagIds], transaction });
      await sequelize.query('INSERT INTO mailing_tags (mailing_id, tag_id) SELECT $1, unnest($2::int[]) ON CONFLICT DO NOTHING', { bind: [mailingId, tagIds], transaction });
    },

    /** Recipients per mailing, for a list page: one grouped query; a mailing without any is 0. */
    async counts(mailingIds: readonly number[]): Promise<Map<number, number>> {
      const counts = new Map<number, number>(mailingIds.map((id) => [id, 0]));
      if (mailingIds.length === 0) return counts;
      const rows = await sequelize.query<{ mailing_id: number; n: number }>(
        'SELECT mailing_id, count(*)::int AS n FROM mailing_clients WHERE mailing_id = ANY($1::int[]) GROUP BY mailing_id',
        { bind: [mailingIds], type: QueryTypes.SELECT },
      );
      for (const row of rows) counts.set(Number(row.mailing_id), row.n);
      return counts;
    },

    /** The count and the first `limit` recipients by e-mail. */
    async preview(mailingId: number, limit = RECIPIENTS_PREVIEWED): Promise<RecipientsPreview> {
      const [counted, first] = await Promise.all([
        sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM mailing_clients WHERE mailing_id = $1', {
          bind: [mailingId],
          type: QueryTypes.SELECT,
        }),
        sequelize.query<{ id: number; email: string; full_name: string }>(
          `SELECT c.id, c.email, c.full_name FROM mailing_clients mc JOIN clients c ON c.id = mc.client_id
           WHERE mc.mailing_id = $1 ORDER BY lower(c.email), c.id LIMIT $2`,
          { bind: [mailingId, limit], type: QueryTypes.SELECT },
        ),
      ]);
      return { count: counted[0]?.n ?? 0, first: first.map((row) => ({ id: row.id, email: row.email, fullName: row.full_name })) };
    },

    /** Every recipient id, ascending, as one array built by the database. */
    async ids(mailingId: number, transaction?: Transaction): Promise<number[]> {
      const [row] = await sequelize.query<{ ids: number[] | null }>(
        'SELECT array_agg(client_id ORDER BY client_id) AS ids FROM mailing_clients WHERE mailing_id = $1',
        { bind: [mailingId], type: QueryTypes.SELECT, transaction },
      );
      return row?.ids ?? [];
    },

    /** Every recipient with its label, by e-mail: what a picker shows for the chosen clients, in one answer. */
    async labelled(mailingId: number): Promise<Array<{ id: number; label: string }>> {
      const rows = await sequelize.query<{ id: number; email: string; full_name: string }>(
        `SELECT c.id, c.email, c.full_name FROM mailing_clients mc JOIN clients c ON c.id = mc.client_id
         WHERE mc.mailing_id = $1 ORDER BY lower(c.email), c.id`,
        { bind: [mailingId], type: QueryTypes.SELECT },
      );
      return rows.map((row) => ({ id: row.id, label: recipientLabel({ email: row.email, fullName: row.full_name }) }));
    },

    /** How many of `clientIds` (unique) are clients of the owner: one query, whatever their number. */
    async countOwned(ownerId: number, clientIds: readonly number[], transaction?: Transaction): Promise<number> {
      // client ids are PostgreSQL integers: a bigger number names no client (and must not become a database error)
      const possible = clientIds.filter((id) => id <= MAX_ID);
      const [row] = await sequelize.query<{ n: number }>(
        // a join, not "id = ANY(array)": the latter compares every owned client with every id (10,000² in PostgreSQL)
        `SELECT count(*)::int AS n FROM unnest($2::int[]) AS wanted (id) JOIN clients c ON c.id = wanted.id
         WHERE c.owner_id = $1`,
        { bind: [ownerId, possible], type: QueryTypes.SELECT, transaction },
      );
      return row?.n ?? 0;
    },

    /** Makes the mailing's recipients exactly `clientIds` (already checked): one delete, one insert. */
    async replace(mailingId: number, clientIds: readonly number[], transaction: Transaction): Promise<void> {
      // NOT IN a subquery is hashed by PostgreSQL; NOT (x = ANY(array)) would scan the array for every row
      await sequelize.query('DELETE FROM mailing_clients WHERE mailing_id = $1 AND client_id NOT IN (SELECT unnest($2::int[]))', {
        bind: [mailingId, clientIds],
        transaction,
      });
      await this.add(mailingId, clientIds, transaction);
    },

    /** Adds recipients (already checked) in one statement; those already there stay as they are. */
    async add(mailingId: number, clientIds: readonly number[], transaction: Transaction): Promise<void> {
      await sequelize.query(
        'INSERT INTO mailing_clients (mailing_id, client_id) SELECT $1, unnest($2::int[]) ON CONFLICT DO NOTHING',
        { bind: [mailingId, clientIds], transaction },
      );
    },
  };
}

export type MailingRecipients = ReturnType<typeof mailingRecipients>;
