// Date-times on the screens: one format per language with the zone named, and a wall time typed in a zone read as
// the moment it means (admin/components/zoned-time.ts, the module the screens' components use).
import { expect } from 'chai';
import { formatDateTime, formatDay, fromWallTime, toWallTime } from '../../admin/components/zoned-time.js';

describe('date-times in a named zone', () => {
  const midnightMoscow = '2026-03-04T21:00:00.000Z';

  it('when a moment is shown in English and Russian, then each language has its one format and the zone is named in that language', () => {
    expect(formatDateTime(midnightMoscow, 'en', 'Europe/Moscow')).to.equal('5 Mar 2026, 00:00 (Moscow Standard Time)');
    expect(formatDateTime(midnightMoscow, 'ru', 'Europe/Moscow')).to.equal('5 мар. 2026 г., 00:00 (Москва, стандартное время)');
    expect(formatDateTime(midnightMoscow, 'en', 'UTC')).to.equal('4 Mar 2026, 21:00 (Coordinated Universal Time)');
    // summer time is named as such
    expect(formatDateTime('2026-07-01T10:00:00Z', 'en', 'Europe/Berlin')).to.equal('1 Jul 2026, 12:00 (Central European Summer Time)');
    expect(formatDateTime('', 'en', 'UTC')).to.equal('');
    expect(formatDateTime('not a date', 'en', 'UTC')).to.equal('');
  });

  it('when a date-only value is shown, then it is that day in both languages, whatever the zone', () => {
    expect(formatDay('2026-03-05', 'en')).to.equal('5 Mar 2026');
    expect(formatDay('2026-03-05', 'ru')).to.equal('5 мар. 2026 г.');
  });

  it('when a wall time is typed in a zone, then it means that moment there, and the moment reads back as the same wall time', () => {
    expect(fromWallTime('2026-03-05T00:00', 'Europe/Moscow')).to.equal(midnightMoscow);
    expect(toWallTime(midnightMoscow, 'Europe/Moscow')).to.equal('2026-03-05T00:00');
    expect(fromWallTime('2026-07-01T09:30', 'Europe/Berlin')).to.equal('2026-07-01T07:30:00.000Z'); // summer time
    expect(fromWallTime('2026-01-01T09:30', 'Europe/Berlin')).to.equal('2026-01-01T08:30:00.000Z');
    expect(fromWallTime('2026-07-01T09:30', 'America/New_York')).to.equal('2026-07-01T13:30:00.000Z');
    expect(fromWallTime('yesterday', 'UTC')).to.equal(undefined);
  });

  it('when a wall time falls in the hour a clock skips or repeats, then the moment is the one after the gap, or the first of the two', () => {
    // Berlin: 2026-03-29 02:00 does not exist (clocks go 02:00 -> 03:00); 2026-10-25 02:30 happens twice
    expect(fromWallTime('2026-03-29T02:30', 'Europe/Berlin')).to.equal('2026-03-29T01:30:00.000Z');
    expect(fromWallTime('2026-10-25T02:30', 'Europe/Berlin')).to.equal('2026-10-25T00:30:00.000Z');
  });
});
