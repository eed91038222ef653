// The run's progress as its results are written: a resumed run counts from where the previous holder got.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { RunProgress } from './engine-types.js';

export class RunTally {
  constructor(
    private readonly run: { attemptId: number; mailingId: number; total: number },
    private sent: number,
    private failed: number,
    private readonly onProgress?: (progress: RunProgress) => void,
  ) {}

  /** Counts a written group of results and reports the progress. */
  add(statuses: ReadonlyArray<{ status: string }>): void {
    const sent = statuses.filter((r) => r.status === 'sent').length;
    this.sent += sent;
    this.failed += statuses.length - sent;
    this.onProgress?.({ ...this.run, sent: this.sent, failed: this.failed });
  }
}

/** The tally of a run, counting what an earlier holder of a resumed run already sent or failed. */
export async function startTally(
  sequelize: Sequelize,
  run: { attemptId: number; mailingId: number; total: number; resumed: boolean },
  onProgress?: (progress: RunProgress) => void,
): Promise<RunTally> {
  let sent = 0;
  let failed = 0;
  if (run.resumed) {
    const [done] = await sequelize.query<{ sent: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM deliveries WHERE attempt_id = $1`,
      { bind: [run.attemptId], type: QueryTypes.SELECT },
    );
    sent = done?.sent ?? 0;
    failed = done?.failed ?? 0;
  }
  return new RunTally({ attemptId: run.attemptId, mailingId: run.mailingId, total: run.total }, sent, failed, onProgress);
}
