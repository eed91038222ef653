// Runs one run of a mailing: claim its Attempt, snapshot the recipients, send through the pool, record everything.
//
// Delivery semantics. A delivery goes pending → sending (marked per batch, before any SMTP call) → sent | failed
// (written behind in small groups). Only the holder of the attempt's lease sends, so a delivery already `sent`
// is never sent again. A runner killed between the server's "250" and the write-behind leaves `sending` rows:
// the next holder sends those again with the SAME Message-ID (derived from the delivery id), so this window is
// at-least-once, the duplicate being recognisable by the receiver. We chose that over at-most-once (losing
// mails silently). The window is the mails in flight plus the results not yet written: at most `flushEvery`
// (200) and at most `flushIntervalMs` (50 ms) old, i.e. ~50 mails at 1,000 mails/s. Writing results in groups
// instead of one UPDATE per mail is what keeps the engine near raw nodemailer speed (bench/send.ts): a group of
// 200 costs the database about half as much per mail as groups of 50.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from '../log.js';
import { classifyMailError } from '../mail/mail-errors.js';
import type { MailTransport } from '../mail/transport.js';
import type { AttemptTrigger } from '../models/attempt.js';
import { dataChanged } from '../events.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

export interface EngineDeps {
  sequelize: Sequelize;
  transport: MailTransport;
  log: Logger;
  /** Names this process in attempts.locked_by. */
  workerId?: string;
  /** Domain part of the Message-IDs (stable per delivery, so a resent mail is recognisable). */
  messageIdDomain?: string;
  /** A lease not renewed for this long lets another process take the run over. */
  leaseMs?: number;
  heartbeatMs?: number;
  /** Deliveries read and marked `sending` per round trip. */
  batchSize?: number;
  /** Mails in flight at once (match the SMTP pool size). */
  concurrency?: number;
  /** Results written per round trip at most; fewer when the flush timer fires first. */
  flushEvery?: number;
  flushIntervalMs?: number;
  retry?: RetryPolicy;
  /** Asked between sends: true makes the run stop early, resumable at once by any process (shutdown). */
  shouldStop?: () => boolean;
  /** Called after each written group of results (progress bars). */
  onProgress?: (progress: RunProgress) => void;
}

export interface RunOptions {
  scheduledFor: Date;
  trigger: AttemptTrigger;
}

export interface RunProgress {
  attemptId: number;
  mailingId: number;
  total: number;
  sent: number;
  failed: number;
}

export type RunOutcome =
  /** This call made (or finished) the run. */
  | { kind: 'done'; attemptId: number; status: 'success' | 'failure'; total: number; sent: number; failed: number; serverResponse: string | null }
  /** Another live process holds the run, or it was finished before. */
  | { kind: 'skipped'; attemptId: number | undefined; reason: string }
  /** The lease was lost mid-run (the mailing was deleted, or this process stalled): another runner resumes. */
  | { kind: 'interrupted'; attemptId: number; reason: string };

interface DeliveryRow {
  id: string;
  email: string;
  tries: number;
}

interface Result {
  id: string;
  status: 'sent' | 'failed';
  tries: number;
  code: number | null;
  response: string | null;
  sentAt: Date | null;
}

/** Failures of the server as a whole (not of one mail): unreachable, or refusing our login. */
const SERVER_WIDE_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EDNS', 'EAUTH']);

const DEFAULT_WORKER_ID = `${os.hostname()}:${process.pid}`;

/** Creates the run's attempt (once per mailing and scheduled time); returns its id and whether it is finished. */
export async function openAttempt(
  sequelize: Sequelize,
  mailingId: number,
  options: RunOptions,
): Promise<{ id: number; finished: boolean }> {
  await sequelize.query(
    `INSERT INTO attempts (mailing_id, scheduled_for, trigger) VALUES ($1, $2, $3)
     ON CONFLICT ON CONSTRAINT attempts_one_per_run DO NOTHING`,
    { bind: [mailingId, options.scheduledFor, options.trigger] },
  );
  const [row] = await sequelize.query<{ id: number; status: string }>(
    'SELECT id, status FROM attempts WHERE mailing_id = $1 AND scheduled_for = $2',
    { bind: [mailingId, options.scheduledFor], type: QueryTypes.SELECT },
  );
  if (!row) throw new Error(`attempt of mailing ${mailingId} for ${options.scheduledFor.toISOString()} vanished (mailing deleted?)`);
  return { id: row.id, finished: row.status !== 'running' };
}

/** Runs (or resumes) the run of `mailingId` scheduled for `options.scheduledFor`. Never throws for mail failures. */
export async function runMailing(deps: EngineDeps, mailingId: number, options: RunOptions): Promise<RunOutcome> {
  const attempt = await openAttempt(deps.sequelize, mailingId, options).catch(() => undefined);
  if (!attempt) return { kind: 'skipped', attemptId: undefined, reason: 'the mailing no longer exists' };
  if (attempt.finished) return { kind: 'skipped', attemptId: attempt.id, reason: 'this run was already made' };
  return runAttempt(deps, attempt.id);
}

/** Sends what is left of an unfinished attempt, if this process can take its lease. */
export async function runAttempt(deps: EngineDeps, attemptId: number): Promise<RunOutcome> {
  const { sequelize, transport, log } = deps;
  // one token per run, not per process: two runners of one process (a job and the resume sweep) must exclude each other too
  const me = `${deps.workerId ?? DEFAULT_WORKER_ID}#${randomUUID().slice(0, 8)}`;
  const leaseMs = deps.leaseMs ?? 30_000;
  const heartbeatMs = deps.heartbeatMs ?? Math.floor(leaseMs / 3);
  const batchSize = deps.batchSize ?? 1000;
  const concurrency = deps.concurrency ?? 5;
  const flushEvery = deps.flushEvery ?? 200;
  const flushIntervalMs = deps.flushIntervalMs ?? 50;
  const retry = deps.retry ?? DEFAULT_RETRY_POLICY;
  const domain = deps.messageIdDomain ?? 'mailing.local';

  // the claim: a free run or an expired lease
  const [claimed] = await sequelize.query<{ id: number; mailing_id: number; recipients_count: number; scheduled_for: Date }>(
    `UPDATE attempts SET locked_by = $2, locked_until = now() + ($3 || ' milliseconds')::interval, updated_at = now()
     WHERE id = $1 AND status = 'running' AND (locked_by IS NULL OR locked_until < now())
     RETURNING id, mailing_id, recipients_count, scheduled_for`,
    { bind: [attemptId, me, String(leaseMs)], type: QueryTypes.SELECT },
  );
  if (!claimed) return { kind: 'skipped', attemptId, reason: 'another process is making this run, or it is finished' };
  const mailingId = claimed.mailing_id;

  // the runner re-checks at run time: a disabled mailing or a blocked owner sends nothing
  const [mailing] = await sequelize.query<{ subject: string; body: string; disabled: boolean; blocked: boolean }>(
    `SELECT m.subject, m.body, g.disabled_at IS NOT NULL AS disabled, u.blocked_at IS NOT NULL AS blocked
     FROM mailings g JOIN messages m ON m.id = g.message_id JOIN users u ON u.id = g.owner_id WHERE g.id = $1`,
    { bind: [mailingId], type: QueryTypes.SELECT },
  );
  if (!mailing || mailing.disabled || mailing.blocked) {
    // a run that sent nothing leaves no trace; a partly made one waits (unclaimed) for the mailing to be enabled
    await sequelize.query(
      `DELETE FROM attempts WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM deliveries WHERE attempt_id = $1 AND status <> 'pending')`,
      { bind: [attemptId] },
    );
    await release(sequelize, attemptId, me);
    const reason = !mailing ? 'the mailing was deleted' : mailing.disabled ? 'the mailing is disabled' : "the mailing's owner is blocked";
    return { kind: 'skipped', attemptId, reason };
  }

  // the recipients, frozen once for the run (a resumed run keeps its first snapshot)
  let total = claimed.recipients_count;
  if (total === 0) {
    await sequelize.query(
      `INSERT INTO deliveries (attempt_id, client_id, email)
       SELECT $1, c.id, c.email FROM mailing_clients mc JOIN clients c ON c.id = mc.client_id WHERE mc.mailing_id = $2
       ORDER BY c.id
       ON CONFLICT ON CONSTRAINT deliveries_one_per_client DO NOTHING`,
      { bind: [attemptId, mailingId] },
    );
    const [count] = await sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM deliveries WHERE attempt_id = $1', {
      bind: [attemptId],
      type: QueryTypes.SELECT,
    });
    total = count?.n ?? 0;
    await sequelize.query('UPDATE attempts SET recipients_count = $2, updated_at = now() WHERE id = $1', { bind: [attemptId, total] });
  }

  // a resumed run reports its progress from where the previous holder got
  let sentSoFar = 0;
  let failedSoFar = 0;
  if (claimed.recipients_count > 0) {
    const [done] = await sequelize.query<{ sent: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM deliveries WHERE attempt_id = $1`,
      { bind: [attemptId], type: QueryTypes.SELECT },
    );
    sentSoFar = done?.sent ?? 0;
    failedSoFar = done?.failed ?? 0;
  }

  let leaseLost: string | undefined;
  const halted = (): boolean => {
    if (!leaseLost && deps.shouldStop?.()) leaseLost = 'this process is shutting down';
    return leaseLost !== undefined;
  };
  const heartbeat = setInterval(() => {
    sequelize
      .query<{ id: number }>(
        `UPDATE attempts SET locked_until = now() + ($3 || ' milliseconds')::interval WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`,
        { bind: [attemptId, me, String(leaseMs)], type: QueryTypes.SELECT },
      )
      .then((rows) => {
        if (rows.length === 0) leaseLost ??= 'the run was taken over or its mailing deleted';
      })
      .catch((error: unknown) => log.warn(`attempt ${attemptId}: lease renewal failed: ${String(error)}`));
  }, heartbeatMs);
  heartbeat.unref();

  // --- results written behind, in groups ---
  let pending: Result[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let flushTimer: NodeJS.Timeout | undefined;

  const writeResults = async (results: Result[]): Promise<void> => {
    await sequelize.query(
      `UPDATE deliveries d SET status = v.status, tries = v.tries, response_code = v.code, response = v.response,
              sent_at = v.sent_at, updated_at = now()
       FROM unnest($1::bigint[], $2::text[], $3::int[], $4::int[], $5::text[], $6::timestamptz[])
            AS v(id, status, tries, code, response, sent_at)
       WHERE d.id = v.id`,
      {
        bind: [
          results.map((r) => r.id),
          results.map((r) => r.status),
          results.map((r) => r.tries),
          results.map((r) => r.code),
          results.map((r) => r.response),
          results.map((r) => r.sentAt),
        ],
      },
    );
    const sent = results.filter((r) => r.status === 'sent').length;
    sentSoFar += sent;
    failedSoFar += results.length - sent;
    deps.onProgress?.({ attemptId, mailingId, total, sent: sentSoFar, failed: failedSoFar });
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

  const record = (result: Result): void => {
    pending.push(result);
    if (pending.length >= flushEvery) void flush();
    else flushTimer ??= setTimeout(() => void flush(), flushIntervalMs);
  };

  // --- one recipient, with retries of temporary failures ---
  // A server that refuses connections or logins refuses them for everyone: once one recipient has used up its
  // tries on such an error, the others are failed with the same answer instead of each waiting through its own
  // backoff (10,000 recipients × 40 s would keep the run going for hours).
  let outage: { code: number | null; response: string } | undefined;
  const deliver = async (row: DeliveryRow): Promise<void> => {
    let tries = row.tries;
    for (;;) {
      if (outage) {
        record({ id: row.id, status: 'failed', tries, code: outage.code, response: outage.response, sentAt: null });
        return;
      }
      tries += 1;
      try {
        const info = await transport.send({
          to: row.email,
          subject: mailing.subject,
          text: mailing.body,
          headers: { 'Message-ID': `<delivery-${row.id}.attempt-${attemptId}@${domain}>` },
        });
        record({ id: row.id, status: 'sent', tries, code: info.responseCode ?? null, response: info.response || null, sentAt: new Date() });
        return;
      } catch (raw) {
        const error = classifyMailError(raw);
        const triesThisRun = tries - row.tries;
        if (error.temporary && triesThisRun < retry.maxTries && !leaseLost) {
          await sleep(retry.delayMs(triesThisRun + 1));
          continue;
        }
        const response = (error.response ?? error.message).slice(0, 2000);
        if (error.code !== undefined && SERVER_WIDE_CODES.has(error.code)) {
          outage ??= { code: error.responseCode ?? null, response: `not tried: the mail server failed for every recipient: ${response}`.slice(0, 2000) };
        }
        record({ id: row.id, status: 'failed', tries, code: error.responseCode ?? null, response, sentAt: null });
        return;
      }
    }
  };

  // --- the batches, keyed by the last delivery id; the next one is read while the current one sends ---
  let lastId = '0';
  let exhausted = false;
  let fetching: Promise<void> | undefined;
  const queue: DeliveryRow[] = [];
  const refill = (): Promise<void> => {
    fetching ??= sequelize
      .query<DeliveryRow>(
        `UPDATE deliveries SET status = 'sending', updated_at = now()
         WHERE id IN (SELECT id FROM deliveries WHERE attempt_id = $1 AND status IN ('pending', 'sending') AND id > $2
                      ORDER BY id LIMIT $3)
         RETURNING id::text AS id, email, tries`,
        { bind: [attemptId, lastId, batchSize], type: QueryTypes.SELECT },
      )
      .then((rows) => {
        rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
        if (rows.length > 0) lastId = rows[rows.length - 1]!.id;
        if (rows.length < batchSize) exhausted = true;
        queue.push(...rows);
      })
      .finally(() => {
        fetching = undefined;
      });
    return fetching;
  };
  try {
    const lanes = Array.from({ length: concurrency }, async () => {
      while (!halted()) {
        if (queue.length < batchSize / 2 && !exhausted) void refill().catch(() => undefined);
        const row = queue.shift();
        if (row) {
          await deliver(row);
          continue;
        }
        if (exhausted && !fetching) break;
        await refill();
      }
    });
    await Promise.all(lanes);
  } finally {
    clearInterval(heartbeat);
    await flush();
  }

  if (leaseLost) {
    // hand the run over at once: what is flushed is final, the rest is sent by the next holder
    await release(sequelize, attemptId, me).catch(() => undefined);
    log.warn(`attempt ${attemptId} of mailing ${mailingId}: stopped, ${leaseLost}`);
    return { kind: 'interrupted', attemptId, reason: leaseLost };
  }
  return finish(sequelize, attemptId, mailingId, me);
}

async function finish(sequelize: Sequelize, attemptId: number, mailingId: number, me: string): Promise<RunOutcome> {
  const [summary] = await sequelize.query<{ total: number; sent: number; failed: number; first_error: string | null; last_ok: string | null }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE status = 'sent')::int AS sent,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            (SELECT coalesce(response_code::text || ' ', '') || coalesce(response, '') FROM deliveries
              WHERE attempt_id = $1 AND status = 'failed' ORDER BY id LIMIT 1) AS first_error,
            (SELECT response FROM deliveries WHERE attempt_id = $1 AND status = 'sent' ORDER BY sent_at DESC, id DESC LIMIT 1) AS last_ok
     FROM deliveries WHERE attempt_id = $1`,
    { bind: [attemptId], type: QueryTypes.SELECT },
  );
  const total = summary?.total ?? 0;
  const sent = summary?.sent ?? 0;
  const failed = summary?.failed ?? 0;
  const status = failed === 0 && sent === total ? 'success' : 'failure';
  const serverResponse = (status === 'failure' ? summary?.first_error : summary?.last_ok) ?? null;
  const [row] = await sequelize.query<{ id: number }>(
    `UPDATE attempts SET status = $3, recipients_count = $4, sent_count = $5, failed_count = $6, server_response = $7,
            finished_at = now(), locked_by = NULL, locked_until = NULL, updated_at = now()
     WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`,
    { bind: [attemptId, me, status, total, sent, failed, serverResponse?.trim() || null], type: QueryTypes.SELECT },
  );
  if (!row) return { kind: 'interrupted', attemptId, reason: 'the run was taken over before it could be finished' };
  dataChanged('attempt');
  return { kind: 'done', attemptId, status, total, sent, failed, serverResponse: serverResponse?.trim() || null };
}

async function release(sequelize: Sequelize, attemptId: number, me: string): Promise<void> {
  // an already expired lease: the resume sweep of any process takes a released run at once
  await sequelize.query(
    `UPDATE attempts SET locked_by = NULL, locked_until = now() - interval '1 second' WHERE id = $1 AND locked_by = $2`,
    { bind: [attemptId, me] },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
