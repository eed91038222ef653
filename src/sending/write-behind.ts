// The results of a run, written behind in groups: at most `flushEvery` (200) per UPDATE and at most
// `flushIntervalMs` (50 ms) old. One `UPDATE … FROM unnest(…)` per group instead of one per mail is what keeps the
// engine near raw nodemailer speed (bench/send.ts); a group of 200 costs the database about half as much per mail as
// groups of 50. The groups are written one after the other, in order.
import type { Sequelize } from 'sequelize';
import type { Logger } from '../log.js';
import { markBounced } from '../audience/bounced-clients.js';

/** One try's server answer, kept for a delivery that needed more than one (delivery_tries). */
export interface TryAnswer {
  try: number;
  status: 'sent' | 'failed' | 'unknown' | 'retrying';
  code: number | null;
  response: string | null;
  at: Date;
}

/** What became of one delivery. */
export interface DeliveryResult {
  id: string;
  /** `retrying`: waits for a later try of the run, at `retryAt`. */
  status: 'sent' | 'failed' | 'unknown' | 'retrying';
  tries: number;
  code: number | null;
  response: string | null;
  sentAt: Date | null;
  /** A refusal meaning the address does not exist (src/mail/bounces.ts): the client is marked bounced. */
  hardBounce?: boolean;
  retryAt?: Date | null;
  /** This run's tries, the last one included, when the delivery needed more than one (in this run or later ones). */
  history?: TryAnswer[];
}

export interface ResultWriter {
  /** Queues one result; writes the group when it is full, or soon. */
  record(result: DeliveryResult): void;
  /** Writes what is queued; resolves when every group queued so far is written (or its failure logged). */
  flush(): Promise<void>;
  /**
   * Writes what is queued and takes no more: a send that ends after its run was handed over (stopped with mails
   * still in flight) leaves its delivery as it is, for the next holder.
   */
  close(): Promise<void>;
}

export interface WriteBehindOptions {
  sequelize: Sequelize;
  log: Logger;
  attemptId: number;
  flushEvery: number;
  flushIntervalMs: number;
  /** Called after each group is written. */
  onWritten: (results: DeliveryResult[]) => void;
}

export function writeBehind(options: WriteBehindOptions): ResultWriter {
  const { sequelize, log, attemptId } = options;
  let pending: DeliveryResult[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let flushTimer: NodeJS.Timeout | undefined;

  const writeResults = async (results: DeliveryResult[]): Promise<void> => {
    const bounces = results.filter((r) => r.hardBounce).map((r) => ({ deliveryId: r.id, response: serverAnswer(r) }));
    await sequelize.query(
      `UPDATE deliveries d SET status = v.status, tries = v.tries, response_code = v.code, response = v.response,
              sent_at = v.sent_at, retry_at = v.retry_at, updated_at = now()
       FROM unnest($1::bigint[], $2::text[], $3::int[], $4::int[], $5::text[], $6::timestamptz[], $7::timestamptz[])
            AS v(id, status, tries, code, response, sent_at, retry_at)
       WHERE d.id = v.id`,
      {
        bind: [
          results.map((r) => r.id),
          results.map((r) => r.status),
          results.map((r) => r.tries),
          results.map((r) => r.code),
          results.map((r) => r.response),
          results.map((r) => r.sentAt),
          results.map((r) => r.retryAt ?? null),
        ],
      },
    );
    // each try's answer of the deliveries that needed more than one (a group without any: no query)
    const tries = results.flatMap((r) => (r.history ?? []).map((t) => ({ id: r.id, ...t })));
    if (tries.length > 0) {
      await sequelize.query(
        `INSERT INTO delivery_tries (delivery_id, try, status, response_code, response, tried_at)
         SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::int[], $5::text[], $6::timestamptz[])`,
        {
          bind: [
            tries.map((t) => t.id),
            tries.map((t) => t.try),
            tries.map((t) => t.status),
            tries.map((t) => t.code),
            tries.map((t) => t.response),
            tries.map((t) => t.at),
          ],
        },
      );
    }
    // hard bounces mark their clients in one more statement per group (a group without any: no query)
    if (bounces.length > 0) await markBounced(sequelize, bounces);
    options.onWritten(results);
  };

  const flush = (): Promise<void> => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    const group = pending;
    pending = [];
    if (group.length > 0) {
      flushing = flushing.then(() => writeResults(group)).catch((error: unknown) => {
        log.error(`attempt ${attemptId}: could not record ${group.length} result(s): ${String(error)}`);
      });
    }
    return flushing;
  };

  let closed = false;
  return {
    record(result: DeliveryResult): void {
      if (closed) return;
      pending.push(result);
      if (pending.length >= options.flushEvery) void flush();
      else flushTimer ??= setTimeout(() => void flush(), options.flushIntervalMs);
    },
    flush,
    close(): Promise<void> {
      closed = true;
      return flush();
    },
  };
}

/** The server's answer as it said it: its reply code in front (nodemailer's text usually has it already). */
function serverAnswer(result: DeliveryResult): string {
  const text = (result.response ?? '').trim();
  return result.code === null || /^\d{3}[ -]/.test(text) ? text : `${result.code} ${text}`.trim();
}
