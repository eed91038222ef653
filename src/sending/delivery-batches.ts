// The run's deliveries read in batches keyed by the last delivery id, each batch marked `sending` in the statement
// that reads it (before any SMTP call); the next batch is read while the current one sends. A client who unsubscribed
// or bounced after the run's snapshot is marked `skipped` (with the reason) by that same statement, never sent.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Recipient } from './build-mail.js';

/** One delivery to send, with the tries earlier holders of the run already made. */
export interface DeliveryRow extends Recipient {
  tries: number;
  /** Later tries of the run made before this one (later-retries.ts). */
  laterTries: number;
}

export class DeliveryBatches {
  private readonly queue: DeliveryRow[] = [];
  private lastId = '0';
  private exhausted = false;
  private fetching: Promise<void> | undefined;

  constructor(
    private readonly sequelize: Sequelize,
    private readonly attemptId: number,
    private readonly batchSize: number,
    /** Asked when a batch arrives: a halted run drops it (its rows stay `sending`, resumable, or become `cancelled`). */
    private readonly halted: () => boolean,
  ) {}

  /** The next delivery in memory, reading the next batch ahead when half of this one is taken. */
  take(): DeliveryRow | undefined {
    if (this.queue.length < this.batchSize / 2 && !this.exhausted) void this.refill().catch(() => undefined);
    return this.queue.shift();
  }

  /** True when every delivery of the run was taken. */
  get done(): boolean {
    return this.exhausted && !this.fetching && this.queue.length === 0;
  }

  /** Resolves when the batch being read (or a new one) is in memory; rejects when the database fails. */
  more(): Promise<void> {
    return this.refill();
  }

  /** Drops what is in memory at once: a halted run sends nothing more. */
  drop(): void {
    this.queue.length = 0;
  }

  private refill(): Promise<void> {
    this.fetching ??= this.sequelize
      .query<{ id: string; email: string; tries: number; later_tries: number; client_id: number | null; full_name: string | null; comment: string | null; status: string }>(
        `WITH batch AS (
           SELECT b.id, c.full_name, c.comment,
                  CASE WHEN c.unsubscribed_at IS NOT NULL THEN 'unsubscribed' WHEN c.bounced_at IS NOT NULL THEN 'bounced' END AS reason
           FROM deliveries b LEFT JOIN clients c ON c.id = b.client_id
           WHERE b.attempt_id = $1 AND b.status IN ('pending', 'sending') AND b.id > $2 ORDER BY b.id LIMIT $3)
         UPDATE deliveries d SET status = CASE WHEN batch.reason IS NULL THEN 'sending' ELSE 'skipped' END,
                skip_reason = batch.reason, updated_at = now()
         FROM batch
         WHERE d.id = batch.id
           AND d.status IN ('pending', 'sending') -- re-checked on a row a cancellation changed meanwhile
         RETURNING d.id::text AS id, d.email, d.tries, d.later_tries, d.client_id, batch.full_name, batch.comment, d.status`,
        { bind: [this.attemptId, this.lastId, this.batchSize], type: QueryTypes.SELECT },
      )
      .then((rows) => {
        rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
        if (rows.length > 0) this.lastId = rows[rows.length - 1]!.id;
        if (rows.length < this.batchSize) this.exhausted = true;
        if (!this.halted()) {
          for (const row of rows) {
            if (row.status === 'sending') this.queue.push({ id: row.id, email: row.email, tries: row.tries, laterTries: row.later_tries, fullName: row.full_name, comment: row.comment, clientId: row.client_id });
          }
        }
      })
      .finally(() => {
        this.fetching = undefined;
      });
    return this.fetching;
  }
}
