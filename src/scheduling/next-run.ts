// Pure calendar arithmetic of a mailing's runs: start + k periods, counted in the service's time zone (a `once`
// mailing has one run, at its start).
import type { Periodicity } from '../models/mailing.js';

export interface Schedule {
  startAt: Date;
  periodicity: Periodicity;
  /** IANA zone in which "next day / week / month" is counted (APP_TIMEZONE). */
  timeZone: string;
}

interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

function localParts(date: Date, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
    ms: date.getUTCMilliseconds(),
  };
}

/** Milliseconds the zone is ahead of UTC at this instant. */
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(new Date(instant), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.ms) - instant;
}

/** The instant a wall-clock time in the zone denotes (in a DST gap: the same wall time one offset later). */
function fromLocal(p: LocalParts, timeZone: string): Date {
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.ms);
  const first = asUtc - offsetAt(asUtc, timeZone);
  const second = asUtc - offsetAt(first, timeZone);
  return new Date(second);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The k-th run (k = 0 is the start). Monthly keeps the start's day of month, clamped to the month's last day. */
export function slotAt(schedule: Schedule, k: number): Date {
  if (schedule.periodicity === 'once') return k === 0 ? schedule.startAt : NO_MORE_RUNS;
  const start = localParts(schedule.startAt, schedule.timeZone);
  let { year, month, day } = start;
  if (schedule.periodicity === 'monthly') {
    const months = start.month - 1 + k;
    year = start.year + Math.floor(months / 12);
    month = (((months % 12) + 12) % 12) + 1;
    day = Math.min(start.day, daysInMonth(year, month));
  } else {
    const date = new Date(Date.UTC(start.year, start.month - 1, start.day + k * (schedule.periodicity === 'weekly' ? 7 : 1)));
    year = date.getUTCFullYear();
    month = date.getUTCMonth() + 1;
    day = date.getUTCDate();
  }
  return fromLocal({ ...start, year, month, day }, schedule.timeZone);
}

/** A `once` mailing's runs after the first: none (a date no mailing reaches, so "next >= end" always holds). */
export const NO_MORE_RUNS = new Date(8_640_000_000_000_000);

function estimate(schedule: Schedule, at: Date): number {
  const days = (at.getTime() - schedule.startAt.getTime()) / 86_400_000;
  const perPeriod = schedule.periodicity === 'daily' ? 1 : schedule.periodicity === 'weekly' ? 7 : 30.436875;
  return Math.max(0, Math.floor(days / perPeriod));
}

/** The latest run at or before `at` (the run that is due), or undefined before the start. */
export function currentSlot(schedule: Schedule, at: Date): { k: number; at: Date } | undefined {
  if (at.getTime() < schedule.startAt.getTime()) return undefined;
  if (schedule.periodicity === 'once') return { k: 0, at: schedule.startAt };
  let k = estimate(schedule, at);
  while (k > 0 && slotAt(schedule, k).getTime() > at.getTime()) k -= 1;
  while (slotAt(schedule, k + 1).getTime() <= at.getTime()) k += 1;
  return { k, at: slotAt(schedule, k) };
}

/** The first run strictly after `after` (the start itself when `after` is before it). */
export function nextSlotAfter(schedule: Schedule, after: Date): Date {
  const current = currentSlot(schedule, after);
  return current === undefined ? schedule.startAt : slotAt(schedule, current.k + 1);
}

/** The end of a mailing's window: its end date, or never for `once` (whose one run ends it). */
export function windowEnd(endAt: Date | null): Date {
  return endAt ?? NO_MORE_RUNS;
}

/** The next `count` runs at or after `from`, before `endAt` (fewer when the mailing ends first). */
export function upcomingRuns(schedule: Schedule, from: Date, endAt: Date | null, count: number): Date[] {
  const end = windowEnd(endAt).getTime();
  const runs: Date[] = [];
  let k = from.getTime() <= schedule.startAt.getTime() ? 0 : currentSlot(schedule, from)!.k;
  while (runs.length < count) {
    const at = slotAt(schedule, k);
    if (at.getTime() >= end || at === NO_MORE_RUNS) break;
    if (at.getTime() >= from.getTime()) runs.push(at);
    k += 1;
  }
  return runs;
}
