// Export of an owner's clients (with the list's filters) as CSV for Excel: UTF-8 with a BOM, streamed page by page
// (keyed by id), and every cell that a spreadsheet would run as a formula (= + - @ tab CR) made text with a '.
import { QueryTypes, type Sequelize } from 'sequelize';
import { stringify } from 'csv-stringify';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { assertCan, type Actor } from '../access/policy.js';
import { containsPattern } from './search.js';

export interface ClientFilter {
  email?: string;
  fullName?: string;
  /** A tag name (any case). */
  tag?: string;
  createdFrom?: Date;
  createdTo?: Date;
}

export const EXPORT_HEADER = ['email', 'full name', 'comment', 'tags', 'created at'];
const PAGE = 2000;

/** A cell a spreadsheet would take for a formula ("=HYPERLINK(…)") becomes text: a ' before it (OWASP's advice). */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function clientExport(sequelize: Sequelize) {
  return {
    /** Writes the CSV to `out` (ended at the end); only the actor's own clients. */
    async write(actor: Actor, filter: ClientFilter, out: Writable): Promise<number> {
      assertCan(actor, 'list', 'clients', { ownerId: actor.id });
      const conditions = ['c.owner_id = $1', 'c.id > $2'];
      const bind: unknown[] = [actor.id, 0];
      const add = (sql: (n: number) => string, value: unknown): void => {
        bind.push(value);
        conditions.push(sql(bind.length));
      };
      if (filter.email?.trim()) add((n) => `c.email ILIKE $${n}`, containsPattern(filter.email));
      if (filter.fullName?.trim()) add((n) => `c.full_name ILIKE $${n}`, containsPattern(filter.fullName));
      if (filter.tag?.trim()) {
        add((n) => `c.id IN (SELECT ct.client_id FROM client_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.owner_id = $1 AND lower(t.name) = lower($${n}))`, filter.tag.trim());
      }
      if (filter.createdFrom) add((n) => `c.created_at >= $${n}`, filter.createdFrom);
      if (filter.createdTo) add((n) => `c.created_at <= $${n}`, filter.createdTo);
      const csv = stringify({ bom: true, header: true, columns: EXPORT_HEADER, cast: { string: neutraliseCell } });
      csv.pipe(out);
      // the asker may go away mid-file: then stop reading pages, and never wait for a drain that cannot come
      let gone = false;
      const closed = new Promise<void>((resolve) => out.once('close', () => {
        gone = true;
        resolve();
      }));
      let written = 0;
      while (!gone) {
        const rows = await sequelize.query<{ id: number; email: string; full_name: string; comment: string; tags: string | null; created_at: Date }>(
          `SELECT c.id, c.email, c.full_name, c.comment, c.created_at,
                  (SELECT string_agg(t.name, ', ' ORDER BY lower(t.name)) FROM client_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.client_id = c.id) AS tags
           FROM clients c WHERE ${conditions.join(' AND ')} ORDER BY c.id LIMIT ${PAGE}`,
          { bind, type: QueryTypes.SELECT },
        );
        for (const row of rows) {
          if (!csv.write([row.email, row.full_name, row.comment, row.tags ?? '', new Date(row.created_at).toISOString()])) {
            await Promise.race([once(csv, 'drain'), closed]);
          }
          if (gone) break;
        }
        written += rows.length;
        if (rows.length < PAGE) break;
        bind[1] = rows[rows.length - 1]!.id;
      }
      if (gone) {
        csv.destroy();
        return written;
      }
      csv.end();
      await Promise.race([once(out, 'finish').catch(() => undefined), closed]);
      return written;
    },
  };
}
