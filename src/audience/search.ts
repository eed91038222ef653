// Finding an owner's clients by a piece of their e-mail or name (any case, Cyrillic included) for the picker:
// one page plus one row to know whether there is more, never a count over everything on each keystroke.
import { QueryTypes, type Sequelize } from 'sequelize';
import { recipientLabel } from '../mailings/recipients.js';

export const PICKER_PAGE = 20;
/** "All matching" turns at most this many clients into chosen ids; beyond it, a tag or "all clients" is the way. */
export const MATCHING_MAX = 10_000;
/** "All matching" names this many of the clients it adds (as many as the picker draws before "show all"). */
const LABELLED = 100;

export interface FoundClient {
  id: number;
  email: string;
  fullName: string;
  label: string;
}

/** The text as an ILIKE pattern that matches it anywhere, its wildcards taken literally. */
export function containsPattern(text: string): string {
  return `%${text.trim().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

const MATCHES = `c.owner_id = $1 AND ($2 = '%%' OR c.email ILIKE $2 OR c.full_name ILIKE $2)`;

/**
 * How many of the owner's first clients by e-mail the picker reads before it asks the trigram indexes instead: a
 * piece most clients share ("bench.test", "петров", "gmail") fills a page among the first few and stops there, while
 * a rarer one is found through the owner's trigram indexes, whose cost grows with the number of matches.
 */
export const PICKER_HEAD = 1_000;

type Row = { id: number; email: string; full_name: string };

export function clientSearch(sequelize: Sequelize) {
  const select = (sql: string, bind: unknown[]): Promise<Row[]> => sequelize.query<Row>(sql, { bind, type: QueryTypes.SELECT });

  /**
   * The first `take` matching clients in e-mail order (lower(email) is unique per owner: the order is total), by one
   * of two plans chosen here rather than by the planner, whose guess for ILIKE '%…%' is blind to where the matches
   * lie in that order (a piece matching a tenth of the clients, all late by e-mail, made it read 70,000 rows):
   * 1. the owner's first PICKER_HEAD clients by e-mail, filtered: if a page and one more match there, these are
   *    the first matches of all (a prefix of the order), and a common piece costs at most PICKER_HEAD rows;
   * 2. otherwise every match of the owner from the trigram indexes that lead with owner_id (the CTE is
   *    MATERIALIZED so the plan cannot turn back into a walk of the e-mail order), sorted, the first `take`.
   * No text: the owner's first clients by e-mail, no trigram at all.
   */
  async function firstMatches(ownerId: number, text: string, take: number): Promise<Row[]> {
    if (text.trim() === '') {
      return select('SELECT c.id, c.email, c.full_name FROM clients c WHERE c.owner_id = $1 ORDER BY lower(c.email) LIMIT $2', [ownerId, take]);
    }
    const pattern = containsPattern(text);
    const head = await select(
      `SELECT head.id, head.email, head.full_name FROM (
         SELECT c.id, c.email, c.full_name, lower(c.email) AS sort_key FROM clients c WHERE c.owner_id = $1 ORDER BY lower(c.email) LIMIT $4
       ) AS head
       WHERE head.email ILIKE $2 OR head.full_name ILIKE $2 ORDER BY head.sort_key LIMIT $3`,
      [ownerId, pattern, take, PICKER_HEAD],
    );
    if (head.length >= take) return head;
    // ILIKE on UTF-8 text lowers both sides on each row (~10 times a plain operator): at the default operator cost
    // the planner preferred the index's owner_id alone and an ILIKE on each of the owner's 100,000 clients (790 ms
    // for a piece in 11,111 names) to the trigram condition (140-180 ms at the same load); priced closer to what it
    // costs, the condition goes into the index
    return sequelize.transaction(async (transaction) => {
      await sequelize.query("SET LOCAL cpu_operator_cost = '0.025'", { transaction });
      return sequelize.query<Row>(
        `WITH found AS MATERIALIZED (
           SELECT c.id, c.email, c.full_name FROM clients c WHERE c.owner_id = $1 AND (c.email ILIKE $2 OR c.full_name ILIKE $2)
         )
         SELECT found.id, found.email, found.full_name FROM found ORDER BY lower(found.email) LIMIT $3`,
        { bind: [ownerId, pattern, take], type: QueryTypes.SELECT, transaction },
      );
    });
  }

  return {
    /** The first `limit` matching clients by e-mail, and whether more match. */
    async find(ownerId: number, text: string, limit = PICKER_PAGE): Promise<{ clients: FoundClient[]; more: boolean }> {
      const rows = await firstMatches(ownerId, text, limit + 1);
      const clients = rows.slice(0, limit).map((row) => ({
        id: row.id, email: row.email, fullName: row.full_name, label: recipientLabel({ email: row.email, fullName: row.full_name }),
      }));
      return { clients, more: rows.length > limit };
    },

    /**
     * Every matching client's id ("all matching" in the picker), at most MATCHING_MAX; `more` when there are
     * more (the picker then says to use a tag or "all clients").
     */
    async ids(ownerId: number, text: string): Promise<{ ids: number[]; more: boolean; labels: Array<{ id: number; label: string }> }> {
      const [row] = await sequelize.query<{ ids: number[] | null }>(
        `SELECT array_agg(id ORDER BY id) AS ids FROM (SELECT c.id FROM clients c WHERE ${MATCHES} ORDER BY c.id LIMIT $3) AS found`,
        { bind: [ownerId, containsPattern(text), MATCHING_MAX + 1], type: QueryTypes.SELECT },
      );
      const ids = (row?.ids ?? []).slice(0, MATCHING_MAX + 1);
      // the picker draws the first LABELLED chips at once; the others are named when asked ("show all")
      const named = await sequelize.query<{ id: number; email: string; full_name: string }>(
        'SELECT c.id, c.email, c.full_name FROM clients c WHERE c.owner_id = $1 AND c.id = ANY($2::int[]) ORDER BY c.id',
        { bind: [ownerId, ids.slice(0, LABELLED)], type: QueryTypes.SELECT },
      );
      const labels = named.map((client) => ({ id: client.id, label: recipientLabel({ email: client.email, fullName: client.full_name }) }));
      return { ids: ids.slice(0, MATCHING_MAX), more: ids.length > MATCHING_MAX, labels };
    },
  };
}
