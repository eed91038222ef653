// The runner's re-check at run time: a disabled mailing, a blocked owner or a deleted mailing sends nothing. The
// domain functions cancel the run when they disable or block (cancel-runs.ts); this covers a run opened at that very moment.
import { QueryTypes, type Sequelize } from 'sequelize';
import { settleCancelled } from './cancel-runs.js';
import type { RunOutcome } from './engine-types.js';

/** Why the mailing must not be sent now ("disabled by manager@example.com"), or null when it may. */
export async function whyNotSend(sequelize: Sequelize, mailingId: number): Promise<string | null> {
  const [mailing] = await sequelize.query<{ stopped_because: string | null }>(
    `SELECT CASE WHEN g.disabled_at IS NOT NULL THEN 'disabled by ' || coalesce(d.email, 'a manager')
                 WHEN u.blocked_at IS NOT NULL THEN 'owner blocked by ' || coalesce(b.email, 'a manager') END AS stopped_because
     FROM mailings g JOIN users u ON u.id = g.owner_id
     LEFT JOIN users d ON d.id = g.disabled_by_id LEFT JOIN users b ON b.id = u.blocked_by_id
     WHERE g.id = $1`,
    { bind: [mailingId], type: QueryTypes.SELECT },
  );
  if (!mailing) return 'the mailing was deleted';
  return mailing.stopped_because;
}

/** Ends a run that must not send: one that sent nothing leaves no trace, a partly made one is cancelled with the reason. */
export async function dropOrCancel(sequelize: Sequelize, attemptId: number, me: string, reason: string): Promise<RunOutcome> {
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
