// The runs going on now, as far as one person may see them (the policy's scope of attempts): for each, the
// deliveries sent and failed so far of its total, the rate since it started and the time left at that rate.
// Read from the deliveries (a running attempt's own counts are written when it ends). The back office polls it.
import { Op, QueryTypes, type WhereOptions } from 'sequelize';
import type { Models } from '../models/index.js';
import { scope, type Actor } from '../access/policy.js';
import { mailingRecipients } from '../mailings/recipients.js';

export interface RunProgress {
  attemptId: number;
  mailingId: number | null;
  mailingLabel: string;
  attemptedAt: string;
  total: number;
  sent: number;
  failed: number;
  /** Deliveries finished (sent or failed) per minute since the run started; null until one finished. */
  perMinute: number | null;
  /** At that rate; null while it is not known. */
  secondsLeft: number | null;
}

/** At most this many runs are reported at once (a dashboard, not a report). */
const MAX_RUNS = 20;

export async function runningProgress(
  models: Pick<Models, 'Attempt' | 'sequelize'>,
  actor: Actor | undefined,
  options: { mailingId?: number; now?: Date } = {},
): Promise<RunProgress[]> {
  const where: WhereOptions[] = [scope(actor, 'attempts'), { status: 'running' }];
  if (options.mailingId !== undefined) where.push({ mailingId: options.mailingId });
  const running = await models.Attempt.findAll({ where: { [Op.and]: where }, order: [['attemptedAt', 'ASC'], ['id', 'ASC']], limit: MAX_RUNS });
  if (running.length === 0) return [];
  const counts = await models.sequelize.query<{ attemptId: number; total: number; sent: number; failed: number }>(
    `SELECT attempt_id AS "attemptId", count(*)::int AS total,
            count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM deliveries WHERE attempt_id IN (:ids) GROUP BY attempt_id`,
    { replacements: { ids: running.map((a) => a.id) }, type: QueryTypes.SELECT },
  );
  const byAttempt = new Map(counts.map((row) => [row.attemptId, row]));
  // a run whose recipients are not frozen yet (its first moments): its total is who it is about to reach
  const starting = running.filter((a) => !byAttempt.has(a.id) && a.recipientsCount === 0 && a.mailingId !== null).map((a) => a.mailingId!);
  const audience = await mailingRecipients(models.sequelize).audienceCounts(starting);
  const now = (options.now ?? new Date()).getTime();
  return running.map((attempt) => {
    const row = byAttempt.get(attempt.id) ?? { total: attempt.recipientsCount || (audience.get(attempt.mailingId ?? 0) ?? 0), sent: 0, failed: 0 };
    const done = row.sent + row.failed;
    const minutes = Math.max(now - attempt.attemptedAt.getTime(), 1) / 60_000;
    const perMinute = done > 0 ? done / minutes : null;
    const secondsLeft = perMinute ? Math.round(((row.total - done) / perMinute) * 60) : null;
    return {
      attemptId: attempt.id,
      mailingId: attempt.mailingId,
      mailingLabel: attempt.mailingLabel,
      attemptedAt: attempt.attemptedAt.toISOString(),
      total: row.total,
      sent: row.sent,
      failed: row.failed,
      perMinute: perMinute === null ? null : Math.round(perMinute * 10) / 10,
      secondsLeft,
    };
  });
}
