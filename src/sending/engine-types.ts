// The engine's public types: what a caller passes in (EngineDeps, RunOptions) and what a run reports (RunProgress, RunOutcome).
import type { Sequelize } from 'sequelize';
import type { Logger } from '../log.js';
import type { MailTransport } from '../mail/transport.js';
import type { MailIdentitySettings } from '../audience/mail-identity.js';
import type { AttemptTrigger } from '../models/attempt.js';
import type { RateLimiter } from './rate-limit.js';
import type { RetryPolicy } from './retry-policy.js';
import type { EngineMetrics } from '../observability/metrics.js';

export interface EngineDeps {
  sequelize: Sequelize;
  transport: MailTransport;
  log: Logger;
  /** The service's address and the unsubscribe links' base and secret: every mailing mail carries them. */
  identity: MailIdentitySettings;
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
  /**
   * Waits before the later tries of a run (RETRY_LATER; issue 14 point 4), for temporary failures still failing
   * after the run's own retries and recipients not tried because the server was found dead. Empty or absent: none,
   * they fail at the end of the run.
   */
  retryLaterMs?: readonly number[];
  /** The time later tries are counted from (tests set it by hand). */
  clock?: () => Date;
  /** The service-wide send-rate limit (SEND_RATE), one per process; absent: unlimited. */
  rateLimit?: RateLimiter;
  /** Connection-level failures (refused, no greeting, TLS, login) in a row, across the pool, after which the run stops opening connections. */
  maxConnectionFailures?: number;
  /** Wait before a delivery whose connection failed is tried again (a re-check of the server). */
  connectionRecheckMs?: number;
  /** Once a run is stopped (shutdown, cancelled, lease lost), how long the mails in flight are waited for before it is handed over anyway. */
  stopGraceMs?: number;
  /** Asked between sends: true makes the run stop early, resumable at once by any process (shutdown). */
  shouldStop?: () => boolean;
  /** Called after each written group of results (progress bars). */
  onProgress?: (progress: RunProgress) => void;
  /** This process's metrics: the results written, run durations, scheduler lag (src/observability/metrics.ts). */
  metrics?: EngineMetrics;
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
      /** `retrying`: some recipients wait for a later try of this run (`waiting` of them, the next at `nextRetryAt`). */
      status: 'success' | 'failure' | 'retrying';
      total: number;
      sent: number;
      failed: number;
      /** Sent, but the server's answer to the end of DATA never came or was garbage: not resent, not in `failed`. */
      unknown: number;
      /** In the snapshot but not sent to: unsubscribed or bounced clients. */
      skipped: number;
      /** Waiting for a later try (status `retrying`); not in `failed`. */
      waiting: number;
      nextRetryAt: Date | null;
      serverResponse: string | null;
    }
  /** Another live process holds the run, or it was finished before. */
  | { kind: 'skipped'; attemptId: number | undefined; reason: string }
  /** The lease was lost mid-run (this process stalled, or is shutting down): another runner resumes. */
  | { kind: 'interrupted'; attemptId: number; reason: string }
  /** A person stopped the run (disable, block, delete): what was not sent is `cancelled`, with the reason. */
  | { kind: 'cancelled'; attemptId: number; reason: string; total: number; sent: number; failed: number };

/** The engine's knobs with their defaults applied. */
export interface EngineSettings {
  leaseMs: number;
  heartbeatMs: number;
  watchMs: number;
  batchSize: number;
  concurrency: number;
  flushEvery: number;
  flushIntervalMs: number;
  retry: RetryPolicy;
  retryLaterMs: readonly number[];
  clock: () => Date;
  maxConnectionFailures: number;
  connectionRecheckMs: number;
  stopGraceMs: number;
  messageIdDomain: string;
}
