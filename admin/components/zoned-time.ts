// Date-times in a named zone, for the screens (bundled into the browser; no Node imports): one format per language
// with the zone named, and the wall time a person types in their zone to the moment it means (and back).
export type ScreenLanguage = 'en' | 'ru';

export function screenLanguage(value: unknown): ScreenLanguage {
  return typeof value === 'string' && value.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

function intlLocale(language: ScreenLanguage): string {
  return language === 'ru' ? 'ru-RU' : 'en-GB';
}

/**
 * The zone's name in the language at a moment ("Moscow Standard Time", "Москва, стандартное время"; summer or
 * winter time as it is then); the IANA name where the language has none.
 */
export function zoneName(timeZone: string, language: ScreenLanguage, at: Date = new Date()): string {
  try {
    const part = new Intl.DateTimeFormat(intlLocale(language), { timeZone, timeZoneName: 'long' }).formatToParts(at).find((p) => p.type === 'timeZoneName');
    return part?.value ?? timeZone;
  } catch {
    return timeZone;
  }
}

/** "5 Mar 2026, 00:00 (Moscow Standard Time)" / "5 мар. 2026 г., 00:00 (Москва, стандартное время)"; '' for no or a bad value. */
export function formatDateTime(value: string | Date | null | undefined, language: ScreenLanguage, timeZone: string): string {
  if (value === null || value === undefined || value === '') return '';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const text = new Intl.DateTimeFormat(intlLocale(language), {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(date);
  return `${text} (${zoneName(timeZone, language, date)})`;
}

/** A calendar date property ("2026-03-05"): the day itself, no zone. */
export function formatDay(value: string | null | undefined, language: ScreenLanguage): string {
  if (!value) return '';
  const date = new Date(`${value.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(intlLocale(language), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
}

/** The wall-clock fields of a moment in a zone. */
function wallFields(date: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).formatToParts(date);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A moment as the value of an <input type="datetime-local"> in the zone: "2026-03-05T00:00". */
export function toWallTime(value: string | Date | null | undefined, timeZone: string): string {
  if (value === null || value === undefined || value === '') return '';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const f = wallFields(date, timeZone);
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}`;
}

/**
 * The moment a wall time "2026-03-05T00:00" means in the zone, as an ISO string; undefined for a bad value. In the
 * hour a clock skips (spring forward) the time after the gap is taken; in the hour that repeats, the first one.
 */
export function fromWallTime(wall: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(wall);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  // the zone's offset at a moment: its wall time read as UTC, minus the moment
  const offsetAt = (moment: number): number => {
    const f = wallFields(new Date(moment), timeZone);
    return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute) - moment;
  };
  // the offsets a day before and a day after: at most one change of offset lies between them
  const DAY = 86_400_000;
  const early = asUtc - offsetAt(asUtc - DAY);
  const late = asUtc - offsetAt(asUtc + DAY);
  const reads = (moment: number): boolean => toWallTime(new Date(moment), timeZone) === wall.slice(0, 16);
  // both read back in the repeated hour: the first; neither in the skipped hour: the earlier offset, which lands after the gap
  const moment = reads(early) && reads(late) ? Math.min(early, late) : reads(late) ? late : early;
  return new Date(moment).toISOString();
}
