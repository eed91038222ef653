// Runs one run of a mailing: claim its Attempt, snapshot the recipients, send through the pool, record everything.
// Each step lives in its own module of src/sending/; this file puts them in order and keeps the engine's entry points.
//
// Delivery semantics. A delivery goes pending → sending (marked per batch, before any SMTP call) → sent | failed |
// unknown (written behind in small groups). `unknown`: the whole message went out but the answer to the end of DATA
// never came or was garbage, so the server may have kept it; it is not sent again (retries are only for failures
// before the end of DATA). Only the holder of the attempt's lease sends, so a delivery already `sent`
// is never sent again. A runner killed between the server's "250" and the write-behind leaves `sending` rows:
// the next holder sends those again with the SAME Message-ID (derived from the delivery id), so this window is
// at-least-once, the duplicate being recognisable by the receiver. We chose that over at-most-once (losing
// mails silently). The window is the mails in flight plus the results not yet written: at most `flushEvery`
// (200) and at most `flushIntervalMs` (50 ms) old, i.e. ~50 mails at 1,000 mails/s (write-behind.ts).
//
// One unfinished run per mailing (a unique partial index): opening a run while another is unfinished returns
// that one, which is resumed, never doubled. A run cancelled by a person (cancel-runs.ts), in this process or
// another, is noticed by polling the attempt's status every `watchMs` (<= 500 ms, a primary-key read; watch.ts):
// the queue is dropped, the mails in flight are recorded as what they became, the rest stay `cancelled`.
//
// The steps: claim.ts (open, lease, hand over) → run-check.ts (disabled? blocked?) → snapshot.ts (the recipients)
// → build-mail.ts (the run's content, once) → progress.ts → watch.ts (heartbeat, cancellation) → send-loop.ts over
// delivery-batches.ts, results through write-behind.ts → finish.ts.
//
// Later retries (later-retries.ts): a temporary failure the run's own retries did not overcome, or a recipient not
// tried because the server was found dead, becomes `retrying` while later tries are left (RETRY_LATER); the run then
// ends as a `retrying` attempt, held by no process, that the resume sweep of any process reopens when it is due.
import { loadRunContent } from './build-mail.js';
import { claimAttempt, openAttempt, runnerName } from './claim.js';
import { DeliveryBatches } from './delivery-batches.js';
import type { EngineDeps, EngineSettings, RunOptions, RunOutcome } from './engine-types.js';
import { endRun, markNotTried } from './finish.js';
import { startTally } from './progress.js';
import { throttleRun } from './rate-limit.js';
import { DEFAULT_RETRY_POLICY } from './retry-policy.js';
import { laterRetryPlan } from './later-retries.js';
import { dropOrCancel, whyNotSend } from './run-check.js';
import { sendAll } from './send-loop.js';
import { snapshotRecipients } from './snapshot.js';
import { watchRun } from './watch.js';
import { writeBehind } from './write-behind.js';
import { logRunEnd, logRunStart } from './run-log.js';

export type { EngineDeps, RunOptions, RunProgress, RunOutcome } from './engine-types.js';
export { holderIsGone, isResumable, openAttempt, type OpenedAttempt } from './claim.js';

/**
 * Makes the run of `mailingId` scheduled for `options.scheduledFor`, or finishes the mailing's unfinished run
 * (which then counts as this run). Never throws for mail failures.
 */
export async function runMailing(deps: EngineDeps, mailingId: number, options: RunOptions): Promise<RunOutcome> {
  const attempt = await openAttempt(deps.sequelize, mailingId, options).catch(() => undefined);
  if (!attempt) return { kind: 'skipped', attemptId: undefined, reason: 'the mailing no longer exists' };
  if (attempt.finished) return { kind: 'skipped', attemptId: attempt.id, reason: 'this run was already made' };
  if (attempt.retrying) return { kind: 'skipped', attemptId: attempt.id, reason: "the mailing's run is waiting for later tries of some recipients: it finishes first" };
  if (attempt.paused) return { kind: 'skipped', attemptId: attempt.id, reason: "the mailing's run is paused: resume or cancel it first" };
  if (!attempt.created) deps.log.info(`mailing ${mailingId}: resuming its unfinished attempt ${attempt.id} instead of opening another`);
  return runAttempt(deps, attempt.id);
}

/** The engine's knobs, defaults applied. */
function settingsOf(deps: EngineDeps): EngineSettings {
  const leaseMs = deps.leaseMs ?? 30_000;
  return {
    leaseMs,
    heartbeatMs: deps.heartbeatMs ?? Math.floor(leaseMs / 3),
    watchMs: Math.min(deps.watchMs ?? 400, 500),
    batchSize: deps.batchSize ?? 1000,
    concurrency: deps.concurrency ?? 5,
    flushEvery: deps.flushEvery ?? 200,
    flushIntervalMs: deps.flushIntervalMs ?? 50,
    retry: deps.retry ?? DEFAULT_RETRY_POLICY,
    retryLaterMs: deps.retryLaterMs ?? [],
    clock: deps.clock ?? (() => new Date()),
    maxConnectionFailures: deps.maxConnectionFailures ?? 3,
    connectionRecheckMs: deps.connectionRecheckMs ?? 1000,
    stopGraceMs: deps.stopGraceMs ?? 4000,
    messageIdDomain: deps.messageIdDomain ?? 'mailing.local',
  };
}

/** Sends what is left of an unfinished attempt, if this process can take its lease. */
export async function runAttempt(deps: EngineDeps, attemptId: number): Promise<RunOutcome> {
  const { sequelize, log } = deps;
  const settings = settingsOf(deps);
  const me = runnerName(deps.workerId);

  const claimed = await claimAttempt(sequelize, attemptId, me, settings.leaseMs, log);
  if (!claimed) return { kind: 'skipped', attemptId, reason: 'another process is making this run, or it is finished' };
  const { mailingId } = claimed;

  const stopReason = await whyNotSend(sequelize, mailingId);
  const content = stopReason ? undefined : await loadRunContent(sequelize, { attemptId, mailingId, messageIdDomain: settings.messageIdDomain, identity: deps.identity });
  if (!content) return dropOrCancel(sequelize, attemptId, me, stopReason ?? 'the mailing was deleted');
  await logRunStart(deps, attemptId);

  const resumed = claimed.recipientsCount > 0;
  const total = resumed ? claimed.recipientsCount : await snapshotRecipients(sequelize, attemptId, mailingId);
  const tally = await startTally(sequelize, { attemptId, mailingId, total, resumed }, deps.onProgress);

  // a halted run drops the deliveries it holds in memory at once (they stay `sending`, resumable, or become `cancelled`)
  const batches = new DeliveryBatches(sequelize, attemptId, settings.batchSize, () => watch.halted());
  const watch = watchRun({ sequelize, log, attemptId, me, ...settings, shouldStop: deps.shouldStop, onHalt: () => batches.drop() });
  const writer = writeBehind({ sequelize, log, attemptId, ...settings, onWritten: (results) => { tally.add(results); deps.metrics?.mailResults(results); } });
  let serverDown: string | undefined;
  try {
    const rateLimit = deps.rateLimit && throttleRun(deps.rateLimit, sequelize, attemptId, content.owner.id);
    const laterRetryAt = laterRetryPlan(settings.retryLaterMs, settings.clock);
    ({ serverDown } = await sendAll({ transport: deps.transport, content, batches, writer, watch, ...settings, rateLimit, laterRetryAt }));
  } finally {
    watch.stop();
    await writer.close();
  }
  if (serverDown !== undefined && !watch.halted()) {
    log.warn(`attempt ${attemptId} of mailing ${mailingId}: the mail server looks dead, the rest is not tried: ${serverDown}`);
    await markNotTried(sequelize, attemptId, serverDown, settings.retryLaterMs, settings.clock());
  }
  const outcome = await endRun({ sequelize, log, attemptId, mailingId, me, cancelled: watch.cancelled, leaseLost: watch.leaseLost, paused: watch.paused });
  await logRunEnd(deps, outcome);
  return outcome;
}
