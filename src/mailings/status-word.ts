// The one word a person sees for a mailing's state, always true (not "running" beside a disabled date), and the
// next run times, named in the service's time zone.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Periodicity } from '../models/mailing.js';
import { upcomingRuns } from '../scheduling/next-run.js';

export const STATUS_WORDS = ['scheduled', 'sending', 'paused', 'running', 'paused-by-manager', 'completed'] as const;
export type StatusWord = (typeof STATUS_WORDS)[number];

export interface StatusFacts {
  status: string;
  disabled: boolean;
  ownerBlocked: boolean;
  /**
   * Its unfinished run, if any: `running` (being sent), `retrying` (sent what it could, some recipients wait for a
   * later try), `paused` (paused by its owner or a manager: src/sending/pause.ts).
   */
  openRun: 'running' | 'retrying' | 'paused' | null;
}

/**
 * paused-by-manager: disabled, or its owner blocked (it sends nothing until a manager acts); sending: a run is being
 * sent now, or waits for a later try of some recipients; paused: its run is paused (resume or cancel it); completed:
 * nothing more will be sent; scheduled: its first run is still to come; running: between runs. An unfinished run
 * comes before the mailing's own status: a `once` mailing is `completed` as soon as its run is made, while that run
 * may still be sending, retrying or paused.
 */
export function statusWord(facts: StatusFacts): StatusWord {
  if (facts.disabled || facts.ownerBlocked) return 'paused-by-manager';
  if (facts.openRun === 'paused') return 'paused';
  if (facts.openRun !== null) return 'sending';
  if (facts.status === 'completed') return 'completed';
  if (facts.status === 'created') return 'scheduled';
  return 'running';
}

/** The status words of many mailings in one query. */
export async function statusWords(sequelize: Sequelize, ids: number[]): Promise<Map<number, StatusWord>> {
  if (ids.length === 0) return new Map();
  // one unfinished attempt per mailing at most (a unique partial index)
  const rows = await sequelize.query<{ id: number; status: string; disabled: boolean; blocked: boolean; open_run: StatusFacts['openRun'] }>(
    `SELECT g.id, g.status, g.disabled_at IS NOT NULL AS disabled, u.blocked_at IS NOT NULL AS blocked,
            (SELECT a.status FROM attempts a WHERE a.mailing_id = g.id AND a.status IN ('running', 'retrying', 'paused') LIMIT 1) AS open_run
     FROM mailings g JOIN users u ON u.id = g.owner_id WHERE g.id = ANY($1::int[])`,
    { bind: [ids], type: QueryTypes.SELECT },
  );
  return new Map(rows.map((r) => [r.id, statusWord({ status: r.status, disabled: r.disabled, ownerBlocked: r.blocked, openRun: r.open_run })]));
}

export interface NextRunsInput {
  startAt: Date;
  endAt: Date | null;
  periodicity: Periodicity;
  nextRunAt: Date | null;
}

/**
 * The next `count` run times: from the planned next run (which may be a missed one, made as soon as possible) on.
 * None for a mailing with no next run (completed, paused).
 */
export function nextRuns(mailing: NextRunsInput, timeZone: string, count = 5): Date[] {
  if (!mailing.nextRunAt) return [];
  const schedule = { startAt: new Date(mailing.startAt), periodicity: mailing.periodicity, timeZone };
  return upcomingRuns(schedule, new Date(mailing.nextRunAt), mailing.endAt ? new Date(mailing.endAt) : null, count);
}

/** A run time as people read it, with the zone named: "Tuesday, 24 November 2026 at 09:00 (Europe/Berlin)". */
export function formatRunTime(at: Date, timeZone: string, locale: string): string {
  const text = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'full', timeStyle: 'short' }).format(at);
  return `${text} (${timeZone})`;
}
