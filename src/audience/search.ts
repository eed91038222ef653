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

export function clientSearch(sequelize: Sequelize) {
  return {
    /** The first `limit` matching clients by e-mail, and whether more match. */
    async find(ownerId: number, text: string, limit = PICKER_PAGE): Promise<{ clients: FoundClient[]; more: boolean }> {
      const rows = await sequelize.query<{ id: number; email: string; full_name: string }>(
        `SELECT c.id, c.email, c.full_name FROM clients c WHERE ${MATCHES} ORDER BY lower(c.email) LIMIT $3`,
        { bind: [ownerId, containsPattern(text), limit + 1], type: QueryTypes.SELECT },
      );
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
