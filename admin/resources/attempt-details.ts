// The note on an attempt's page saying how far back delivery details go (DELIVERY_RETENTION_DAYS) and, for this
// run, until when they are kept or since when they are gone.
import type { ServiceContext } from '../../src/context.js';
import { detailsNote } from '../../src/reports/retention.js';
import { phrase } from '../locale/index.js';

const day = (date: Date): string => date.toISOString().slice(0, 10);

export function attemptDetailsNote(ctx: ServiceContext) {
  return (rows: Array<Record<string, unknown>>): void => {
    for (const row of rows) {
      const at = (value: unknown): Date | null => (value ? new Date(value as string | Date) : null);
      const note = detailsNote(
        { finishedAt: at(row.finishedAt), attemptedAt: at(row.attemptedAt) ?? new Date(), status: String(row.status), detailsPrunedAt: at(row.detailsPrunedAt) },
        ctx.config.deliveryRetentionDays,
      );
      const fallback = ctx.config.appLocale;
      row.deliveryDetails =
        note.kind === 'removed'
          ? phrase(fallback, 'deliveryDetailsRemoved', { days: note.days, date: day(note.on) })
          : note.kind === 'kept-until'
            ? phrase(fallback, 'deliveryDetailsKeptUntil', { days: note.days, date: day(note.until) })
            : phrase(fallback, 'deliveryDetailsKeptAfterEnd', { days: note.days });
    }
  };
}
