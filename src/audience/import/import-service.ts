// CSV import of clients in two steps: upload (the file waits under DATA_DIR, a preview of its first rows and a
// suggested mapping) and confirm (the mapping and the duplicate choice; the whole file applied in ONE transaction).
// Rows are validated in batches and staged in a temporary table; duplicates (in the file and against the owner's
// clients, e-mail compared lower-cased as the unique index does) are then resolved by a few set-based statements,
// so memory does not grow with the file. The result (status 'done' and counts) commits with the clients: a killed
// import leaves nothing written and the import 'pending' with started_at set ("interrupted").
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { QueryTypes, type Transaction } from 'sequelize';
import { assertCan, type Actor } from '../../access/policy.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { dataChanged } from '../../events.js';
import type { Database } from '../../db/database.js';
import { clientFieldProblems, CLIENT_LIMITS } from '../../models/client.js';
import { DUPLICATE_CHOICES, type ClientImport, type DuplicateChoice, type ImportMapping } from '../../models/client-import.js';
import { MAX_INTEGER_ID } from '../../models/limits.js';
import { TAG_NAME_MAX } from '../../models/tag.js';
import { detectDelimiter, detectEncoding, readRows, type CsvDelimiter, type CsvEncoding } from './csv-file.js';
import { checkMapping, suggestMapping } from './mapping.js';

/** Rows shown in the preview. */
export const PREVIEW_ROWS = 5;
/** Refused rows listed on the result page (all of them are in the downloadable CSV). */
export const REFUSALS_SHOWN = 100;
/** Rows validated and staged per statement. */
const BATCH = 2000;
/** A pending import not confirmed within this long is removed (with its file) when its owner uploads another. */
const PENDING_TTL_MS = 24 * 3600_000;

export interface UploadedCsv {
  /** Where the upload waits (it is moved from there). */
  path: string;
  name: string;
  size: number;
}

export interface ImportPreview {
  id: number;
  fileName: string;
  sizeBytes: number;
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  header: string[];
  rows: string[][];
  /** Data rows in the file (the header excluded). */
  rowCount: number;
  mapping: ImportMapping;
}

export interface Refusal {
  line: number;
  email: string;
  reason: string;
}

export type ImportState = 'pending' | 'running' | 'interrupted' | 'done';

export interface ImportResult {
  id: number;
  fileName: string;
  state: ImportState;
  startedAt: Date | null;
  finishedAt: Date | null;
  added: number;
  updated: number;
  skipped: number;
  refused: number;
  /** The first REFUSALS_SHOWN refused rows, by line. */
  refusals: Refusal[];
}

export interface ImportSettings {
  /** Where pending files wait (DATA_DIR/imports). */
  folder: string;
  /** The largest file accepted (IMPORT_MAX_MB). */
  maxBytes: number;
}

/** The mapping and the duplicate choice as a form sends them; a retry may leave out both (the first ones are kept). */
export interface ConfirmInput {
  mapping?: unknown;
  onDuplicate?: unknown;
}

function toId(value: unknown): number | undefined {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 && id <= MAX_INTEGER_ID ? id : undefined;
}

function megabytes(bytes: number): string {
  return `${+(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One staged row's problem, or undefined; the row's values cleaned. */
function checkRow(cells: readonly string[], mapping: ImportMapping): { problem?: string; email: string; fullName: string; comment: string; tags: string[] } {
  const cell = (index: number | undefined): string => (index === undefined ? '' : (cells[index] ?? '').trim());
  const email = cell(mapping.email);
  const fullName = cell(mapping.fullName).replace(/\s+/g, ' ');
  const comment = cell(mapping.comment);
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const part of cell(mapping.tags).split(/[,;]/)) {
    const name = part.trim().replace(/\s+/g, ' ');
    if (name === '' || seen.has(name.toLowerCase())) continue;
    if (name.length > TAG_NAME_MAX) return { problem: `A tag is at most ${TAG_NAME_MAX} characters`, email, fullName, comment, tags };
    seen.add(name.toLowerCase());
    tags.push(name);
  }
  if (email === '') return { problem: 'No e-mail address', email, fullName, comment, tags };
  const problems = clientFieldProblems({ email, fullName });
  const problem = problems.email ?? problems.fullName;
  return { problem, email, fullName: fullName.slice(0, CLIENT_LIMITS.fullName), comment, tags };
}

export function clientImports(db: Database, settings: ImportSettings) {
  const { sequelize, models } = db;
  const { ClientImport } = models;

  async function owned(actor: Actor, id: unknown): Promise<ClientImport> {
    const importId = toId(id);
    // imports are always their owner's: nobody else (a superuser neither) reads or confirms one
    const found = importId === undefined ? null : await ClientImport.findOne({ where: { id: importId, ownerId: actor.id } });
    if (!found) throw new NotFoundError(`Import #${String(id)} was not found.`);
    return found;
  }

  /** Is a process applying it right now (its transaction holds the row)? */
  async function isRunning(id: number): Promise<boolean> {
    const rows = await sequelize.query('SELECT id FROM client_imports WHERE id = $1 FOR UPDATE SKIP LOCKED', { bind: [id], type: QueryTypes.SELECT });
    return rows.length === 0;
  }

  async function removeStale(ownerId: number): Promise<void> {
    const stale = await ClientImport.findAll({ where: { ownerId, status: 'pending' }, attributes: ['id', 'filePath', 'createdAt'] });
    for (const each of stale) {
      if (Date.now() - each.createdAt.getTime() < PENDING_TTL_MS) continue;
      fs.rmSync(each.filePath, { force: true });
      await each.destroy();
    }
  }

  /** Moves the upload into the imports folder (the upload folder is emptied when the request ends). */
  function keep(upload: UploadedCsv, ownerId: number): string {
    fs.mkdirSync(settings.folder, { recursive: true, mode: 0o700 });
    const target = path.join(settings.folder, `${ownerId}-${crypto.randomBytes(12).toString('hex')}.csv`);
    try {
      fs.renameSync(upload.path, target);
    } catch {
      fs.copyFileSync(upload.path, target);
    }
    return target;
  }

  async function stage(transaction: Transaction, record: ClientImport, mapping: ImportMapping): Promise<{ rows: number; refused: number }> {
    await sequelize.query(
      `CREATE TEMPORARY TABLE import_rows (line integer PRIMARY KEY, email text NOT NULL, email_key text NOT NULL, full_name text NOT NULL,
         comment text NOT NULL, tags text[] NOT NULL) ON COMMIT DROP`,
      { transaction },
    );
    let rows = 0;
    let refused = 0;
    let header = true;
    const valid: { line: number[]; email: string[]; fullName: string[]; comment: string[]; tags: string[] } = { line: [], email: [], fullName: [], comment: [], tags: [] };
    const bad: { line: number[]; email: string[]; reason: string[] } = { line: [], email: [], reason: [] };
    const flush = async (): Promise<void> => {
      if (valid.line.length > 0) {
        await sequelize.query(
          `INSERT INTO import_rows (line, email, email_key, full_name, comment, tags)
           SELECT r.line, r.email, lower(r.email), r.full_name, r.comment, coalesce(string_to_array(nullif(r.tags, ''), E'\\x1f'), '{}')
           FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r (line, email, full_name, comment, tags)`,
          { bind: [valid.line, valid.email, valid.fullName, valid.comment, valid.tags], transaction },
        );
      }
      if (bad.line.length > 0) {
        await sequelize.query(
          `INSERT INTO client_import_refusals (import_id, line, email, reason)
           SELECT $1, r.line, r.email, r.reason FROM unnest($2::int[], $3::text[], $4::text[]) AS r (line, email, reason)`,
          { bind: [record.id, bad.line, bad.email, bad.reason], transaction },
        );
      }
      for (const list of [...Object.values(valid), ...Object.values(bad)]) list.length = 0;
    };
    for await (const row of readRows(record.filePath, record.encoding as CsvEncoding, record.delimiter as CsvDelimiter)) {
      if (header) {
        header = false;
        continue;
      }
      rows += 1;
      const checked = checkRow(row.cells, mapping);
      if (checked.problem) {
        refused += 1;
        bad.line.push(row.line);
        bad.email.push(checked.email.slice(0, 300));
        bad.reason.push(checked.problem);
      } else {
        valid.line.push(row.line);
        valid.email.push(checked.email);
        valid.fullName.push(checked.fullName);
        valid.comment.push(checked.comment);
        // one text per row (a separator no tag name holds): arrays of arrays cannot be bound ragged
        valid.tags.push(checked.tags.join('\x1f'));
      }
      if (valid.line.length + bad.line.length >= BATCH) await flush();
    }
    await flush();
    await sequelize.query('CREATE INDEX ON import_rows (email_key); ANALYZE import_rows', { transaction });
    return { rows, refused };
  }

  /** Writes the staged rows into the owner's clients; returns how many clients were created. */
  async function merge(transaction: Transaction, ownerId: number, onDuplicate: DuplicateChoice): Promise<number> {
    await sequelize.query('CREATE TEMPORARY TABLE import_affected (client_id integer NOT NULL, email_key text NOT NULL, inserted boolean NOT NULL) ON COMMIT DROP', { transaction });
    if (onDuplicate === 'skip') {
      // the first line of each address only: the later ones are skipped, and so is an address the owner has
      await sequelize.query('DELETE FROM import_rows WHERE line NOT IN (SELECT min(line) FROM import_rows GROUP BY email_key)', { transaction });
      await sequelize.query(
        `WITH written AS (
           INSERT INTO clients (owner_id, email, full_name, comment)
           SELECT $1, email, full_name, comment FROM import_rows ORDER BY line
           ON CONFLICT (owner_id, lower(email)) DO NOTHING
           RETURNING id, lower(email) AS email_key)
         INSERT INTO import_affected (client_id, email_key, inserted) SELECT id, email_key, true FROM written`,
        { bind: [ownerId], transaction },
      );
    } else {
      // lines of one address merge: the last non-empty name and comment win, tags add up; an existing client
      // takes what the file says and keeps what the file leaves empty
      await sequelize.query(
        `WITH merged AS (
           SELECT email_key, (array_agg(email ORDER BY line))[1] AS email,
                  coalesce((array_agg(full_name ORDER BY line DESC) FILTER (WHERE full_name <> ''))[1], '') AS full_name,
                  coalesce((array_agg(comment ORDER BY line DESC) FILTER (WHERE comment <> ''))[1], '') AS comment,
                  min(line) AS first_line
           FROM import_rows GROUP BY email_key),
         written AS (
           INSERT INTO clients (owner_id, email, full_name, comment)
           SELECT $1, email, full_name, comment FROM merged ORDER BY first_line
           ON CONFLICT (owner_id, lower(email)) DO UPDATE SET
             full_name = CASE WHEN EXCLUDED.full_name <> '' THEN EXCLUDED.full_name ELSE clients.full_name END,
             comment = CASE WHEN EXCLUDED.comment <> '' THEN EXCLUDED.comment ELSE clients.comment END,
             updated_at = now()
           -- a client the file does not change is not rewritten (no new row version, no index entries)
           WHERE (EXCLUDED.full_name <> '' AND EXCLUDED.full_name IS DISTINCT FROM clients.full_name)
              OR (EXCLUDED.comment <> '' AND EXCLUDED.comment IS DISTINCT FROM clients.comment)
           RETURNING id, lower(email) AS email_key, (xmax = 0) AS inserted)
         INSERT INTO import_affected (client_id, email_key, inserted) SELECT id, email_key, inserted FROM written`,
        { bind: [ownerId], transaction },
      );
      // the existing clients the file named without changing them still take its tags
      await sequelize.query(
        `INSERT INTO import_affected (client_id, email_key, inserted)
         SELECT c.id, lower(c.email), false FROM (SELECT DISTINCT email_key FROM import_rows) AS k
         JOIN clients c ON c.owner_id = $1 AND lower(c.email) = k.email_key
         WHERE NOT EXISTS (SELECT 1 FROM import_affected a WHERE a.email_key = k.email_key)`,
        { bind: [ownerId], transaction },
      );
    }
    await sequelize.query('CREATE INDEX ON import_affected (email_key); ANALYZE import_affected', { transaction });
    // tags: created once per name (the first spelling in the file), then linked to the clients written
    await sequelize.query(
      `INSERT INTO tags (owner_id, name)
       SELECT DISTINCT ON (lower(t.name)) $1, t.name FROM import_rows r CROSS JOIN unnest(r.tags) AS t (name)
       ORDER BY lower(t.name), r.line
       ON CONFLICT (owner_id, lower(name)) DO NOTHING`,
      { bind: [ownerId], transaction },
    );
    await sequelize.query(
      `INSERT INTO client_tags (tag_id, client_id)
       SELECT DISTINCT tg.id, a.client_id
       FROM import_affected a JOIN import_rows r ON r.email_key = a.email_key CROSS JOIN unnest(r.tags) AS t (name)
       JOIN tags tg ON tg.owner_id = $1 AND lower(tg.name) = lower(t.name)
       ON CONFLICT DO NOTHING`,
      { bind: [ownerId], transaction },
    );
    const [row] = await sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM import_affected WHERE inserted', { type: QueryTypes.SELECT, transaction });
    return row?.n ?? 0;
  }

  async function result(record: ClientImport): Promise<ImportResult> {
    let state: ImportState = record.status === 'done' ? 'done' : 'pending';
    if (state === 'pending' && record.startedAt) state = (await isRunning(record.id)) ? 'running' : 'interrupted';
    const refusals = await sequelize.query<Refusal>(
      'SELECT line, email, reason FROM client_import_refusals WHERE import_id = $1 ORDER BY line LIMIT $2',
      { bind: [record.id, REFUSALS_SHOWN], type: QueryTypes.SELECT },
    );
    return {
      id: record.id,
      fileName: record.fileName,
      state,
      startedAt: record.startedAt ?? null,
      finishedAt: record.finishedAt ?? null,
      added: record.added,
      updated: record.updated,
      skipped: record.skipped,
      refused: record.refused,
      refusals,
    };
  }

  return {
    settings,

    /** Step 1: keeps the file for its owner and answers with a preview and a suggested mapping; nothing is imported. */
    async upload(actor: Actor, upload: UploadedCsv | undefined): Promise<ImportPreview> {
      assertCan(actor, 'new', 'clients', { ownerId: actor.id });
      if (!upload || !upload.path) throw new ValidationError('Choose a CSV file to import.', { file: 'Choose a CSV file' });
      if (upload.size > settings.maxBytes) {
        fs.rmSync(upload.path, { force: true });
        throw new ValidationError(`The file is too large: at most ${megabytes(settings.maxBytes)} can be imported at once. Split it into smaller files.`, {
          file: `At most ${megabytes(settings.maxBytes)}`,
        });
      }
      const encoding = await detectEncoding(upload.path);
      const delimiter = await detectDelimiter(upload.path, encoding);
      let header: string[] | undefined;
      const rows: string[][] = [];
      let rowCount = 0;
      for await (const row of readRows(upload.path, encoding, delimiter)) {
        if (!header) header = row.cells;
        else {
          rowCount += 1;
          if (rows.length < PREVIEW_ROWS) rows.push(row.cells);
        }
      }
      if (!header) throw new ValidationError('The file is empty: there is nothing to import.', { file: 'The file is empty' });
      if (rowCount === 0) throw new ValidationError('The file has a header row but no clients under it.', { file: 'No rows under the header' });
      await removeStale(actor.id);
      const filePath = keep(upload, actor.id);
      const record = await ClientImport.create({
        ownerId: actor.id,
        fileName: path.basename(upload.name || 'clients.csv').slice(0, 255),
        filePath,
        sizeBytes: upload.size,
        encoding,
        delimiter,
      });
      return { id: record.id, fileName: record.fileName, sizeBytes: upload.size, encoding, delimiter, header, rows, rowCount, mapping: suggestMapping(header, rows) };
    },

    /**
     * Step 2: applies the file with the chosen mapping, in one transaction; answers with the result. A second
     * confirmation of a finished import answers its result; of one being applied, a ConflictError.
     */
    async confirm(actor: Actor, id: unknown, input: ConfirmInput): Promise<ImportResult> {
      assertCan(actor, 'new', 'clients', { ownerId: actor.id });
      const record = await owned(actor, id);
      if (record.status === 'done') return result(record);
      // a retry of an interrupted import may leave out what was chosen the first time
      if (input.onDuplicate === undefined && record.onDuplicate) input = { ...input, onDuplicate: record.onDuplicate };
      const given = input.mapping && typeof input.mapping === 'object' ? Object.keys(input.mapping) : [];
      if (given.length === 0 && record.mapping) input = { ...input, mapping: record.mapping };
      if (!(DUPLICATE_CHOICES as readonly unknown[]).includes(input.onDuplicate)) {
        throw new ValidationError('Choose what to do with clients already in your list: update them or skip them.', { onDuplicate: 'Choose update or skip' });
      }
      const onDuplicate = input.onDuplicate as DuplicateChoice;
      let columns = 0;
      for await (const row of readRows(record.filePath, record.encoding as CsvEncoding, record.delimiter as CsvDelimiter)) {
        columns = row.cells.length;
        break;
      }
      const mapping = checkMapping(input.mapping, columns);
      if (await isRunning(record.id)) throw new ConflictError('This file is being imported right now: wait for its result.');
      // committed before the work: a killed import is then told apart from one never confirmed
      await record.update({ startedAt: new Date(), mapping, onDuplicate });
      await sequelize.transaction(async (transaction) => {
        const [locked] = await sequelize.query<{ status: string }>('SELECT status FROM client_imports WHERE id = $1 FOR UPDATE NOWAIT', {
          bind: [record.id], type: QueryTypes.SELECT, transaction,
        }).catch((error: unknown) => {
          throw new ConflictError('This file is being imported right now: wait for its result.', { cause: error });
        });
        if (locked?.status !== 'pending') return;
        // a retry of an interrupted import starts from nothing (its rows were rolled back with it)
        await sequelize.query('DELETE FROM client_import_refusals WHERE import_id = $1', { bind: [record.id], transaction });
        const staged = await stage(transaction, record, mapping);
        const added = await merge(transaction, actor.id, onDuplicate);
        const valid = staged.rows - staged.refused;
        const counts = onDuplicate === 'skip'
          ? { added, updated: 0, skipped: valid - added }
          : { added, updated: valid - added, skipped: 0 };
        await sequelize.query(
          `UPDATE client_imports SET status = 'done', finished_at = now(), added = $2, updated = $3, skipped = $4, refused = $5 WHERE id = $1`,
          { bind: [record.id, counts.added, counts.updated, counts.skipped, staged.refused], transaction },
        );
      });
      fs.rmSync(record.filePath, { force: true });
      dataChanged('client');
      await record.reload();
      return result(record);
    },

    /** An import's result (or its state: pending, running, interrupted), for its owner only. */
    async result(actor: Actor, id: unknown): Promise<ImportResult> {
      return result(await owned(actor, id));
    },

    /** Every refused row, by line, in pages (for the CSV download). */
    async *refusals(actor: Actor, id: unknown): AsyncGenerator<Refusal[]> {
      const record = await owned(actor, id);
      let after = 0;
      for (;;) {
        const page = await sequelize.query<Refusal>(
          'SELECT line, email, reason FROM client_import_refusals WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT 5000',
          { bind: [record.id, after], type: QueryTypes.SELECT },
        );
        if (page.length === 0) return;
        yield page;
        after = page[page.length - 1]!.line;
      }
    },
  };
}

export type ClientImports = ReturnType<typeof clientImports>;
