// How mailings are read and written in the back office: writes go through the sending engine (validation,
// schedule, send at once if due); reads add the recipients (a count; on a record their ids as one value and the
// first few named), the message and the latest attempts, read by src/reports/mailing-details.ts and worded here;
// the one status word and the next five run times.
import type { ServiceContext } from '../../src/context.js';
import type { ResourceBehaviour } from '../scoped-resource.js';
import type { MailingInput } from '../../src/mailings/mailing-service.js';
import { mailingRecipients, recipientLabel, type RecipientsPreview } from '../../src/mailings/recipients.js';
import { mailingDetails, type AttemptLine } from '../../src/reports/mailing-details.js';
import { mailingNames } from '../../src/reports/names.js';
import { attemptLabels, pageLanguage, phrase } from '../locale/index.js';
import { formatRunTime, nextRuns, statusWords } from '../../src/mailings/status-word.js';
import type { Periodicity } from '../../src/models/mailing.js';
import type { Language } from '../../src/languages.js';
import { mailingInput } from './mailing-service.js';

/** The show page's text: the first recipients, then how many more ("… and 9,980 more"), in the page's language. */
function describeRecipients(fallback: Language, preview: RecipientsPreview): string {
  const names = preview.first.map(recipientLabel).join(', ');
  const more = preview.count - preview.first.length;
  if (preview.count === 0) return phrase(fallback, 'recipientsNone');
  if (preview.count === 1) return phrase(fallback, 'recipientsOne', { names });
  return phrase(fallback, more > 0 ? 'recipientsFirst' : 'recipientsAll', { count: preview.count, names, more });
}

/** One attempt as a line of the show page, in the page's language. */
function describeAttempt(fallback: Language, a: AttemptLine, zone: string, locale: string): string {
  const labels = attemptLabels(fallback, a.status, a.trigger);
  const line = phrase(fallback, 'attemptLine', {
    // in the service's zone, named, as the next runs beside it (not an ISO time in UTC)
    at: formatRunTime(a.attemptedAt, zone, locale), ...labels, sent: a.sentCount, recipients: a.recipientsCount, failed: a.failedCount,
  });
  const next = a.status === 'retrying' && a.nextRetryAt ? `, ${phrase(fallback, 'attemptNextTry', { at: a.nextRetryAt.toISOString() })}` : '';
  return a.serverResponse ? `${line}${next} — ${a.serverResponse}` : `${line}${next}`;
}

/** The fields a mailing form shows and the only ones a write accepts. */
export const MAILING_FIELDS = ['name', 'messageId', 'audienceAll', 'tagIds', 'clientIds', 'startAt', 'endAt', 'periodicity'];

const RUNS_SHOWN = 5;

export function mailingBehaviour(ctx: ServiceContext): ResourceBehaviour {
  const recipients = mailingRecipients(ctx.db.sequelize);
  return {
    editable: () => MAILING_FIELDS,
    // a new mailing needs every field: missing ones are named by the engine's validation
    create: async (actor, params) => (await ctx.mailings.create(actor, { clientIds: [], ...mailingInput(params) } as MailingInput)).toJSON(),
    update: async (actor, id, params) => (await ctx.mailings.update(actor, id, mailingInput(params))).toJSON(),
    delete: (actor, id) => ctx.mailings.remove(actor, id),
    async extend(rows, detail) {
      const words = await statusWords(ctx.db.sequelize, rows.map((row) => Number(row.id)));
      for (const row of rows) row.state = words.get(Number(row.id)) ?? 'scheduled';
      // the message and the owner by name, not by id (one query for the page)
      const names = await mailingNames(ctx.db.sequelize, rows.map((row) => Number(row.id)));
      for (const row of rows) {
        const named = names.get(Number(row.id));
        row.messageSubject = named?.messageSubject ?? null;
        row.ownerName = named?.owner ?? null;
      }
      // a list row carries the number of recipients only; a record (show, edit, actions) its ids as ONE value
      if (!detail) {
        // who a run starting now would mail: chosen clients, tagged clients and "all", each client once, without the
        // unsubscribed and bounced ones (the run skips them)
        const counts = await recipients.audienceCounts(rows.map((row) => Number(row.id)), { reachableOnly: true });
        for (const row of rows) row.recipientsCount = counts.get(Number(row.id)) ?? 0;
        return;
      }
      // the detail (show page) is only built for mailings the scope already allowed: one query for all of them
      const details = await mailingDetails(ctx.db.sequelize, rows.map((row) => Number(row.id)));
      const zone = ctx.config.appTimezone;
      const locale = pageLanguage(ctx.config.appLocale) === 'ru' ? 'ru-RU' : 'en-GB';
      for (const row of rows) {
        const detail = details.get(Number(row.id));
        if (!detail) continue;
        // the audience: the chosen tags and who a run starting now would reach (two reads per shown mailing)
        const [tags, audienceNow] = await Promise.all([recipients.tags(Number(row.id)), recipients.audienceCount(Number(row.id), { reachableOnly: true })]);
        row.clientIds = detail.clientIds.join(',');
        // the send-now question says how many get it again: those a run now would really mail (not the chosen ids:
        // tags and "all" add clients, unsubscribed and bounced ones are skipped)
        row.recipientsCount = audienceNow;
        row.tagIds = tags.map((tag) => tag.id).join(',');
        // the tag picker names the chosen tags from this one value ("3:vip|7:Москва"); the show page lists them
        row.tagNames = tags.map((tag) => `${tag.id}:${tag.name.replace(/\|/g, '/')}`).join('|');
        row.tags = tags.map((tag) => tag.name).join(', ');
        row.audienceNow = audienceNow;
        row.messageSubject = detail.messageSubject;
        row.recipients = describeRecipients(ctx.config.appLocale, detail.recipients);
        row.latestAttempts = detail.latestAttempts.map((a) => describeAttempt(ctx.config.appLocale, a, zone, locale)).join('\n');
        const stopped = row.state === 'paused-by-manager' || row.state === 'completed';
        const runs = stopped
          ? []
          : nextRuns(
              { startAt: row.startAt as Date, endAt: (row.endAt as Date | null) ?? null, periodicity: row.periodicity as Periodicity, nextRunAt: (row.nextRunAt as Date | null) ?? null },
              zone,
              RUNS_SHOWN,
            );
        row.nextRuns = runs.length > 0 ? runs.map((at) => formatRunTime(at, zone, locale)).join('\n') : phrase(ctx.config.appLocale, 'nextRunsNone');
      }
    },
  };
}
