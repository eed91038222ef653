import { expect } from 'chai';
import { currentSlot, nextSlotAfter, slotAt, type Schedule } from '../../src/scheduling/next-run.js';

const at = (iso: string): Date => new Date(iso);

describe('the next run of a mailing', () => {
  it('when daily, then each run is one day after the previous', () => {
    const schedule: Schedule = { startAt: at('2026-03-01T09:00:00Z'), periodicity: 'daily', timeZone: 'UTC' };
    expect(slotAt(schedule, 1).toISOString()).to.equal('2026-03-02T09:00:00.000Z');
    expect(nextSlotAfter(schedule, at('2026-03-05T09:00:00Z')).toISOString()).to.equal('2026-03-06T09:00:00.000Z');
    expect(nextSlotAfter(schedule, at('2026-03-05T08:59:59Z')).toISOString()).to.equal('2026-03-05T09:00:00.000Z');
  });

  it('when weekly, then each run is seven days after the previous', () => {
    const schedule: Schedule = { startAt: at('2026-01-05T10:30:00Z'), periodicity: 'weekly', timeZone: 'UTC' };
    expect(nextSlotAfter(schedule, at('2026-01-06T00:00:00Z')).toISOString()).to.equal('2026-01-12T10:30:00.000Z');
  });

  it('when monthly on the 31st, then shorter months run on their last day and the 31st comes back', () => {
    const schedule: Schedule = { startAt: at('2026-01-31T12:00:00Z'), periodicity: 'monthly', timeZone: 'UTC' };
    expect([1, 2, 3, 4].map((k) => slotAt(schedule, k).toISOString())).to.deep.equal([
      '2026-02-28T12:00:00.000Z',
      '2026-03-31T12:00:00.000Z',
      '2026-04-30T12:00:00.000Z',
      '2026-05-31T12:00:00.000Z',
    ]);
    expect(slotAt({ ...schedule, startAt: at('2028-01-31T12:00:00Z') }, 1).toISOString()).to.equal('2028-02-29T12:00:00.000Z');
    expect(slotAt(schedule, 12).toISOString()).to.equal('2027-01-31T12:00:00.000Z');
  });

  it('when a daylight-saving change falls between runs, then a 09:00 mailing stays at 09:00 local time', () => {
    // Europe/Berlin: UTC+1 until 2026-03-29, UTC+2 after; back to UTC+1 on 2026-10-25
    const schedule: Schedule = { startAt: at('2026-03-28T08:00:00Z'), periodicity: 'daily', timeZone: 'Europe/Berlin' };
    expect(slotAt(schedule, 1).toISOString()).to.equal('2026-03-29T07:00:00.000Z');
    const autumn: Schedule = { startAt: at('2026-10-24T07:00:00Z'), periodicity: 'daily', timeZone: 'Europe/Berlin' };
    expect(slotAt(autumn, 1).toISOString()).to.equal('2026-10-25T08:00:00.000Z');
    const weekly: Schedule = { startAt: at('2026-03-23T08:00:00Z'), periodicity: 'weekly', timeZone: 'Europe/Berlin' };
    expect(slotAt(weekly, 1).toISOString()).to.equal('2026-03-30T07:00:00.000Z');
  });

  it('when runs were missed, then the due run is the latest one and the next is in the future', () => {
    const schedule: Schedule = { startAt: at('2026-01-01T09:00:00Z'), periodicity: 'daily', timeZone: 'UTC' };
    const now = at('2026-01-10T12:00:00Z');
    expect(currentSlot(schedule, now)?.at.toISOString()).to.equal('2026-01-10T09:00:00.000Z');
    expect(nextSlotAfter(schedule, now).toISOString()).to.equal('2026-01-11T09:00:00.000Z');
  });

  it('when asked before the start, then nothing is due and the next run is the start', () => {
    const schedule: Schedule = { startAt: at('2026-06-01T09:00:00Z'), periodicity: 'monthly', timeZone: 'UTC' };
    expect(currentSlot(schedule, at('2026-05-01T00:00:00Z'))).to.equal(undefined);
    expect(nextSlotAfter(schedule, at('2026-05-01T00:00:00Z')).toISOString()).to.equal('2026-06-01T09:00:00.000Z');
  });
});
