// Pause, resume and cancel a run (issue 14 point 3), by its mailing's owner or a manager (any mailing).
//
// Pause: the attempt becomes `paused` (still unfinished: the mailing has no second run meanwhile). The process
// sending it, any process, reads the attempt every <= 500 ms (watch.ts), stops sending, records the mails in
// flight, puts back to `pending` what it had taken and not sent, and releases its lease. Nothing resumes a paused
// run by itself (the lease claim and the resume sweep take `running` runs only), across restarts too.
// Resume: the attempt is `running` again with a free lease: the resume sweep of any process sends the rest.
// A run waiting for later tries (`retrying`) is paused too: its waiting deliveries keep their next try's time, and
// once resumed the run goes back to waiting for them (what is due by then is sent at once).
// Cancel: the unfinished run ends as `cancelled` (cancel-runs.ts), its unsent deliveries `cancelled` with the reason.
import { QueryTypes, type Sequelize } from 'sequelize';
import { assertCan, type Actor } from '../access/policy.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { cancelRuns } from './cancel-runs.js';

/** The mailing has no run in the state the action needs (nothing sending to pause, nothing paused to resume). */
export class RunNotInStateError extends ConflictError {}

export interface RunControlResult {
  attemptId: number;
}

interface MailingFacts {
  id: number;
  ownerId: number;
  disabledAt: Date | null;
}

async function mailingOf(sequelize: Sequelize, mailingId: number): Promise<MailingFacts> {
  const [row] = await sequelize.query<{ id: number; owner_id: number; disabled_at: Date | null }>(
    'SELECT id, owner_id, disabled_at FROM mailings WHERE id = $1',
    { bind: [mailingId], type: QueryTypes.SELECT },
  );
  if (!row) throw new NotFoundError(`Mailing #${mailingId} was not found.`);
  return { id: row.id, ownerId: row.owner_id, disabledAt: row.disabled_at };
}

/** Pauses the mailing's running run; throws ForbiddenError (not yours), RunNotInStateError (nothing sending). */
export async function pauseRun(sequelize: Sequelize, actor: Actor | undefined, mailingId: number): Promise<RunControlResult> {
  const mailing = await mailingOf(sequelize, mailingId);
  assertCan(actor, 'pauseRun', 'mailings', mailing);
  const [row] = await sequelize.query<{ id: number }>(
    `UPDATE attempts SET status = 'paused', next_retry_at = NULL, updated_at = now() WHERE mailing_id = $1 AND status IN ('running', 'retrying') RETURNING id`,
    { bind: [mailingId], type: QueryTypes.SELECT },
  );
  if (!row) throw new RunNotInStateError('This mailing has no run sending now: there is nothing to pause.');
  return { attemptId: row.id };
}

/** Resumes the mailing's paused run: any process's resume sweep sends the rest. */
export async function resumeRun(sequelize: Sequelize, actor: Actor | undefined, mailingId: number): Promise<RunControlResult> {
  const mailing = await mailingOf(sequelize, mailingId);
  assertCan(actor, 'resumeRun', 'mailings', mailing);
  // the lease is left expired (its holder, if any, stopped when it saw the pause): the next sweep takes it at once
  const [row] = await sequelize.query<{ id: number }>(
    `UPDATE attempts SET status = 'running', locked_by = NULL, locked_until = now() - interval '1 second', updated_at = now()
     WHERE mailing_id = $1 AND status = 'paused' RETURNING id`,
    { bind: [mailingId], type: QueryTypes.SELECT },
  );
  if (!row) throw new RunNotInStateError('This mailing has no paused run: there is nothing to resume.');
  return { attemptId: row.id };
}

/** Cancels the mailing's unfinished run (sending or paused): what was not sent is `cancelled`, with who did it. */
export async function cancelRun(sequelize: Sequelize, actor: Actor | undefined, mailingId: number): Promise<RunControlResult> {
  const mailing = await mailingOf(sequelize, mailingId);
  assertCan(actor, 'cancelRun', 'mailings', mailing);
  const ids = await sequelize.transaction((transaction) =>
    cancelRuns(sequelize, { mailingId }, { byId: actor!.id, reason: `cancelled by ${actor!.email}` }, transaction),
  );
  if (ids.length === 0) throw new RunNotInStateError('This mailing has no unfinished run: there is nothing to cancel.');
  return { attemptId: ids[0]! };
}
