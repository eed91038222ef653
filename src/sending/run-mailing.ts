// Runs one run of a mailing: claim its Attempt, snapshot the recipients, send through the pool, record everything.
//
// Delivery semantics. A delivery goes pending → sending (marked per batch, before any SMTP call) → sent | failed |
// unknown (written behind in small groups). `unknown`: the whole message went out but the answer to the end of DATA
// never came or was garbage, so the server may have kept it; it is not sent again (retries are only for failures
// before the end of DATA). Only the holder of the attempt's lease sends, so a delivery already `sent`
// is never sent again. A runner killed between the server's "250" and the write-behind leaves `sending` rows:
// the next holder sends those again with the SAME Message-ID (derived from the delivery id), so this window is
// at-least-once, the duplicate being recognisable by the receiver. We chose that over at-most-once (losing
// mails silently). The window is the mails in flight plus the results not yet written: at most `flushEvery`
// (200) and at most `flushIntervalMs` (50 ms) old, i.e. ~50 mails at 1,000 mails/s. Writing results in groups
// instead of one UPDATE per mail is what keeps the engine near raw nodemailer speed (bench/send.ts): a group of
// 200 costs the database about half as much per mail as groups of 50.
//
// One unfinished run per mailing (a unique partial index): opening a run while another is unfinished returns
// that one, which is resumed, never doubled. A run cancelled by a person (cancel-runs.ts), in this process or
// another, is noticed by polling the attempt's status every `watchMs` (<= 500 ms, a primary-key read): the
// queue is dropped, the mails in flight are recorded as what they became, the rest stay `cancelled`.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Logger } from '../log.js';
import { classifyMailError } from '../mail/mail-errors.js';
import type { MailTransport } from '../mail/transport.js';
import type { AttemptTrigger } from '../models/attempt.js';
import { dataChanged } from '../events.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { settleCancelled } from './cancel-runs.js';
import { snapshotRecipients } from '../mailings/recipients.js';

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
  /** How often the attempt's status is read to notice a cancellation or a lost lease (another process's doing). */
  watchMs?: number;
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
  | {
      kind: 'done';
      attemptId: number;
      status: 'success' | 'failure';
      total: number;
      sent: number;
      failed: number;
      /** Sent, but the server's answer to the end of DATA never came or was garbage: not resent, not in `failed`. */
      unknown: number;
      serverResponse: string | null;
    }
  /** Another live process holds the run, or it was finished before. */
  | { kind: 'skipped'; attemptId: number | undefined; reason: string }
  /** The lease was lost mid-run (this process stalled, or is shutting down): another runner resumes. */
  | { kind: 'interrupted'; attemptId: number; reason: string }
  /** A person stopped the run (disable, block, delete): what was not sent is `cancelled`, with the reason. */
  | { kind: 'cancelled'; attemptId: number; reason: string; total: number; sent: number; failed: number };

interface DeliveryRow {
  id: string;
  email: string;
  tries: number;
}

interface Result {
  id: string;
  status: 'sent' | 'failed' | 'unknown';
  tries: number;
  code: number | null;
  response: string | null;
  sentAt: Date | null;
}

/** Failures of the server as a whole (not of one mail): unreachable, or refusing our login. */
const SERVER_WIDE_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EDNS', 'EAUTH']);

const DEFAULT_WORKER_ID = `${os.hostname()}:${process.pid}`;

export interface OpenedAttempt {
  id: number;
  finished: boolean;
  /** False when the mailing had an unfinished run already: that run is returned instead of a new one. */
  created: boolean;
}

/**
 * Opens the run of a mailing for a scheduled time, unless the mailing has an unfinished run: then that run is
 * returned (to be resumed), never a second one beside it. Once per mailing and scheduled time.
 */
export async function openAttempt(sequelize: Sequelize, mailingId: number, options: RunOptions): Promise<OpenedAttempt> {
  // no conflict target: both attempts_one_per_run and the unique partial index of unfinished runs make it a no-op
  // (two "send now" at the same moment: the second insert waits for the first and then inserts nothing)
  const inserted = await sequelize.query<{ id: number }>(
    `INSERT INTO attempts (mailing_id, scheduled_for, trigger)
     SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM mailings WHERE id = $1)
       AND NOT EXISTS (SELECT 1 FROM attempts WHERE mailing_id = $1 AND status = 'running')
     ON CONFLICT DO NOTHING RETURNING id`,
    { bind: [mailingId, options.scheduledFor, options.trigger], type: QueryTypes.SELECT },
  );
  const [row] = await sequelize.query<{ id: number; status: string }>(
    `SELECT id, status FROM attempts WHERE mailing_id = $1 AND (status = 'running' OR scheduled_for = $2)
     ORDER BY (status = 'running') DESC, id LIMIT 1`,
    { bind: [mailingId, options.scheduledFor], type: QueryTypes.SELECT },
  );
  if (!row) throw new Error(`attempt of mailing ${mailingId} for ${options.scheduledFor.toISOString()} vanished (mailing deleted?)`);
  return { id: row.id, finished: row.status !== 'running', created: inserted[0]?.id === row.id };
}

/**
 * Makes the run of `mailingId` scheduled for `options.scheduledFor`, or finishes the mailing's unfinished run
 * (which then counts as this run). Never throws for mail failures.
 */
export async function runMailing(deps: EngineDeps, mailingId: number, options: RunOptions): Promise<RunOutcome> {
  const attempt = await openAttempt(deps.sequelize, mailingId, options).catch(() => undefined);
  if (!attempt) return { kind: 'skipped', attemptId: undefined, reason: 'the mailing no longer exists' };
  if (attempt.finished) return { kind: 'skipped', attemptId: attempt.id, reason: 'this run was already made' };
  if (!attempt.created) deps.log.info(`mailing ${mailingId}: resuming its unfinished attempt ${attempt.id} instead of opening another`);
  return runAttempt(deps, attempt.id);
}

/**
 * A lease held by a process of this machine that no longer exists (a CLI killed mid-run) is free at once,
 * instead of after its expiry: the holder's name is "host:pid#token" (DEFAULT_WORKER_ID).
 */
export function holderIsGone(lockedBy: string | null | undefined): boolean {
  const match = /^(.*):(\d+)#[0-9a-f]{8}$/.exec(lockedBy ?? '');
  if (!match || match[1] !== os.hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** True when an unfinished attempt may be taken over now: unlocked for a lease's length, expired, or its holder gone. */
export async function isResumable(sequelize: Sequelize, attemptId: number, leaseMs: number): Promise<boolean> {
  const [row] = await sequelize.query<{ status: string; locked_by: string | null; free: boolean }>(
    `SELECT status, locked_by,
            (locked_until < now() OR (locked_by IS NULL AND updated_at < now() - ($2 || ' milliseconds')::interval)) AS free
     FROM attempts WHERE id = $1`,
    { bind: [attemptId, String(leaseMs)], type: QueryTypes.SELECT },
  );
  return row?.status === 'running' && (row.free || holderIsGone(row.locked_by));
}

/** Sends what is left of an unfinished attempt, if this process can take its lease. */
export async function runAttempt(deps: EngineDeps, attemptId: number): Promise<RunOutcome> {
  const { sequelize, transport, log } = deps;
  // one token per run, not per process: two runners of one process (a job and the resume sweep) must exclude each other too
  const me = `${deps.workerId ?? DEFAULT_WORKER_ID}#${randomUUID().slice(0, 8)}`;
  const leaseMs = deps.leaseMs ?? 30_000;
  const heartbeatMs = deps.heartbeatMs ?? Math.floor(leaseMs / 3);
  const watchMs = Math.min(deps.watchMs ?? 400, 500);
  const batchSize = deps.batchSize ?? 1000;
  const concurrency = deps.concurrency ?? 5;
  const flushEvery = deps.flushEvery ?? 200;
  const flushIntervalMs = deps.flushIntervalMs ?? 50;
  const retry = deps.retry ?? DEFAULT_RETRY_POLICY;
  const domain = deps.messageIdDomain ?? 'mailing.local';

  // the claim: a free run, an expired lease, or the lease of a process of this machine that died
  const [holder] = await sequelize.query<{ locked_by: string | null }>('SELECT locked_by FROM attempts WHERE id = $1', {
    bind: [attemptId],
    type: QueryTypes.SELECT,
  });
  const goneHolder = holderIsGone(holder?.locked_by) ? holder!.locked_by : null;
  const [claimed] = await sequelize.query<{ id: number; mailing_id: number | null; recipients_count: number; scheduled_for: Date }>(
    `UPDATE attempts SET locked_by = $2, locked_until = now() + ($3 || ' milliseconds')::interval, updated_at = now()
     WHERE id = $1 AND status = 'running' AND (locked_by IS NULL OR locked_until < now() OR locked_by = $4)
     RETURNING id, mailing_id, recipients_count, scheduled_for`,
    { bind: [attemptId, me, String(leaseMs), goneHolder], type: QueryTypes.SELECT },
  );
  if (!claimed) return { kind: 'skipped', attemptId, reason: 'another process is making this run, or it is finished' };
  if (goneHolder) log.info(`attempt ${attemptId}: taken over from ${goneHolder}, a process of this machine that no longer runs`);
  const mailingId = claimed.mailing_id ?? 0;

  // the runner re-checks at run time: a disabled mailing or a blocked owner sends nothing (the domain functions
  // cancel the run when they disable or block; this covers a run opened at that very moment)
  const [mailing] = await sequelize.query<{ subject: string; body: string; stopped_because: string | null }>(
    `SELECT m.subject, m.body,
            CASE WHEN g.disabled_at IS NOT NULL THEN 'disabled by ' || coalesce(d.email, 'a manager')
                 WHEN u.blocked_at IS NOT NULL THEN 'owner blocked by ' || coalesce(b.email, 'a manager') END AS stopped_because
     FROM mailings g JOIN messages m ON m.id = g.message_id JOIN users u ON u.id = g.owner_id
     LEFT JOIN users d ON d.id = g.disabled_by_id LEFT JOIN users b ON b.id = u.blocked_by_id
     WHERE g.id = $1`,
    { bind: [mailingId], type: QueryTypes.SELECT },
  );
  if (!mailing || mailing.stopped_because) {
    const reason = mailing?.stopped_because ?? 'the mailing was deleted';
    // a run that sent nothing leaves no trace; a partly made one is cancelled with the reason
    const [gone] = await sequelize.query<{ id: number }>(
      `DELETE FROM attempts WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM deliveries WHERE attempt_id = $1 AND status <> 'pending') RETURNING id`,
      { bind: [attemptId], type: QueryTypes.SELECT },
    );
    if (gone) return { kind: 'skipped', attemptId, reason };
    await sequelize.query(
      `UPDATE attempts SET status = 'cancelled', cancel_reason = $3, finished_at = now(), locked_by = NULL, locked_until = NULL, updated_at = now()
       WHERE id = $1 AND locked_by = $2`,
      { bind: [attemptId, me, reason] },
    );
    return { kind: 'cancelled', attemptId, ...(await settleCancelled(sequelize, attemptId)) };
  }

  // the recipients, frozen once for the run (a resumed run keeps its first snapshot)
  let total = claimed.recipients_count;
  if (total === 0) {
    await snapshotRecipients(sequelize, attemptId, mailingId);
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

  const queue: DeliveryRow[] = [];
  let leaseLost: string | undefined;
  /** Set when a person cancelled the run (its attempt's status says so): the reason. */
  let cancelled: string | undefined;
  const halted = (): boolean => {
    if (!leaseLost && deps.shouldStop?.()) leaseLost = 'this process is shutting down';
    return leaseLost !== undefined || cancelled !== undefined;
  };
  // the queue in memory is dropped at once: what is left of it stays `cancelled` (or `sending`, resumable)
  const stopNow = (): void => {
    queue.length = 0;
  };
  // a cancellation or a takeover comes from any process: read the attempt's state often (a primary-key read)
  let watching = false;
  const watch = setInterval(() => {
    if (watching || halted()) return;
    watching = true;
    sequelize
      .query<{ status: string; locked_by: string | null; cancel_reason: string | null }>(
        'SELECT status, locked_by, cancel_reason FROM attempts WHERE id = $1',
        { bind: [attemptId], type: QueryTypes.SELECT },
      )
      .then(([row]) => {
        if (!row) leaseLost ??= 'the attempt was deleted';
        else if (row.status === 'cancelled') cancelled ??= row.cancel_reason ?? 'the run was cancelled';
        else if (row.locked_by !== me) leaseLost ??= 'the run was taken over by another process';
        if (halted()) stopNow();
      })
      .catch((error: unknown) => log.warn(`attempt ${attemptId}: could not check for a cancellation: ${String(error)}`))
      .finally(() => {
        watching = false;
      });
  }, watchMs);
  watch.unref();
  const heartbeat = setInterval(() => {
    sequelize
      .query<{ id: number }>(
        `UPDATE attempts SET locked_until = now() + ($3 || ' milliseconds')::interval WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`,
        { bind: [attemptId, me, String(leaseMs)], type: QueryTypes.SELECT },
      )
      .then((rows) => {
        // not renewed: cancelled or taken over; the watch below reads which, and stops the run
        if (rows.length === 0) log.info(`attempt ${attemptId}: lease not renewed`);
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
      // a stopped run sends nothing more: the row stays as marked (`cancelled`, or `sending` for the next holder)
      if (halted()) return;
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
        // the message went out and no verdict came: it may have been accepted, so it is never sent again
        if (error.unknownOutcome) {
          record({ id: row.id, status: 'unknown', tries, code: null, response: error.message.slice(0, 2000), sentAt: null });
          return;
        }
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
  const refill = (): Promise<void> => {
    fetching ??= sequelize
      .query<DeliveryRow>(
        `UPDATE deliveries SET status = 'sending', updated_at = now()
         WHERE id IN (SELECT id FROM deliveries WHERE attempt_id = $1 AND status IN ('pending', 'sending') AND id > $2
                      ORDER BY id LIMIT $3)
           AND status IN ('pending', 'sending') -- re-checked on a row a cancellation changed meanwhile
         RETURNING id::text AS id, email, tries`,
        { bind: [attemptId, lastId, batchSize], type: QueryTypes.SELECT },
      )
      .then((rows) => {
        rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
        if (rows.length > 0) lastId = rows[rows.length - 1]!.id;
        if (rows.length < batchSize) exhausted = true;
        if (!halted()) queue.push(...rows);
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
    clearInterval(watch);
    await flush();
  }

  if (cancelled) {
    // the mails in flight are written as what they became; what this runner had taken and not sent is cancelled
    const counts = await settleCancelled(sequelize, attemptId);
    log.warn(`attempt ${attemptId} of mailing ${mailingId}: cancelled (${cancelled}) after ${counts.sent} of ${counts.total} sent`);
    return { kind: 'cancelled', attemptId, ...counts, reason: cancelled };
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
  const [summary] = await sequelize.query<{
    total: number;
    sent: number;
    failed: number;
    unknown: number;
    first_error: string | null;
    first_unknown: string | null;
    last_ok: string | null;
  }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE status = 'sent')::int AS sent,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*) FILTER (WHERE status = 'unknown')::int AS unknown,
            (SELECT coalesce(response_code::text || ' ', '') || coalesce(response, '') FROM deliveries
              WHERE attempt_id = $1 AND status = 'failed' ORDER BY id LIMIT 1) AS first_error,
            (SELECT response FROM deliveries WHERE attempt_id = $1 AND status = 'unknown' ORDER BY id LIMIT 1) AS first_unknown,
            (SELECT response FROM deliveries WHERE attempt_id = $1 AND status = 'sent' ORDER BY sent_at DESC, id DESC LIMIT 1) AS last_ok
     FROM deliveries WHERE attempt_id = $1`,
    { bind: [attemptId], type: QueryTypes.SELECT },
  );
  const total = summary?.total ?? 0;
  const sent = summary?.sent ?? 0;
  const failed = summary?.failed ?? 0;
  const unknown = summary?.unknown ?? 0;
  // an unknown outcome is not a confirmed delivery: the run is a failure, its report says how many are unknown
  // (counted apart from failed_count, which stays the refusals and errors)
  const status = failed === 0 && sent === total ? 'success' : 'failure';
  let serverResponse = (status === 'failure' ? summary?.first_error : summary?.last_ok) ?? null;
  if (unknown > 0) {
    const unknownNote = `${unknown} unknown (sent, but the server gave no verdict; not resent): ${summary?.first_unknown ?? ''}`.trim();
    serverResponse = serverResponse?.trim() ? `${unknownNote} | first failure: ${serverResponse.trim()}` : unknownNote;
  }
  const [row] = await sequelize.query<{ id: number }>(
    `UPDATE attempts SET status = $3, recipients_count = $4, sent_count = $5, failed_count = $6, server_response = $7,
            finished_at = now(), locked_by = NULL, locked_until = NULL, updated_at = now()
     WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`,
    { bind: [attemptId, me, status, total, sent, failed, serverResponse?.trim() || null], type: QueryTypes.SELECT },
  );
  if (!row) {
    // cancelled while its last results were written: the counts are redone with them
    const [state] = await sequelize.query<{ status: string }>('SELECT status FROM attempts WHERE id = $1', { bind: [attemptId], type: QueryTypes.SELECT });
    if (state?.status === 'cancelled') return { kind: 'cancelled', attemptId, ...(await settleCancelled(sequelize, attemptId)) };
    return { kind: 'interrupted', attemptId, reason: 'the run was taken over before it could be finished' };
  }
  dataChanged('attempt');
  return { kind: 'done', attemptId, status, total, sent, failed, unknown, serverResponse: serverResponse?.trim() || null };
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
