// How mailings are read and written in the back office: writes go through the sending engine (validation,
// schedule, send at once if due); reads add the recipients (a count; on a record their ids as one value and the
// first few named), the message and the latest attempts, the one status word and the next five run times.
import type { ServiceContext } from '../../src/context.js';
import type { ResourceBehaviour } from '../scoped-resource.js';
import type { MailingInput } from '../../src/mailings/mailing-service.js';
import { mailingRecipients, recipientLabel, type RecipientsPreview } from '../../src/mailings/recipients.js';
import { attemptLabels, pageLanguage, phrase } from '../locale/index.js';
import { formatRunTime, nextRuns, statusWords } from '../../src/mailings/status-word.js';
import type { Periodicity } from '../../src/models/mailing.js';
import type { Language } from '../../src/languages.js';
import { mailingInput } from './mailing-service.js';

const ATTEMPTS_SHOWN = 5;

/** The show page's text: the first recipients, then how many more ("… and 9,980 more"), in the page's language. */
function describeRecipients(fallback: Language, preview: RecipientsPreview): string {
  const names = preview.first.map(recipientLabel).join(', ');
  const more = preview.count - preview.first.length;
  if (preview.count === 0) return phrase(fallback, 'recipientsNone');
  if (preview.count === 1) return phrase(fallback, 'recipientsOne', { names });
  return phrase(fallback, more > 0 ? 'recipientsFirst' : 'recipientsAll', { count: preview.count, names, more });
}

/** The fields a mailing form shows and the only ones a write accepts. */
export const MAILING_FIELDS = ['name', 'messageId', 'clientIds', 'startAt', 'endAt', 'periodicity'];

const RUNS_SHOWN = 5;

export function mailingBehaviour(ctx: ServiceContext): ResourceBehaviour {
  const { Message, Attempt } = ctx.db.models;
  const recipients = mailingRecipients(ctx.db.sequelize);
  return {
    editable: () => MAILING_FIELDS,
    entity: 'mailing',
    // a new mailing needs every field: missing ones are named by the engine's validation
    create: async (actor, params) => (await ctx.mailings.create(actor, { clientIds: [], ...mailingInput(params) } as MailingInput)).toJSON(),
    update: async (actor, id, params) => (await ctx.mailings.update(actor, id, mailingInput(params))).toJSON(),
    delete: (actor, id) => ctx.mailings.remove(actor, id),
    async extend(rows, detail) {
      // a list row carries the number of recipients only; a record (show, edit, actions) its ids as ONE value
      const words = await statusWords(ctx.db.sequelize, rows.map((row) => Number(row.id)));
      for (const row of rows) row.state = words.get(Number(row.id)) ?? 'scheduled';
      if (!detail) {
        const counts = await recipients.counts(rows.map((row) => Number(row.id)));
        for (const row of rows) row.recipientsCount = counts.get(Number(row.id)) ?? 0;
        return;
      }
      const zone = ctx.config.appTimezone;
      const locale = pageLanguage(ctx.config.appLocale) === 'ru' ? 'ru-RU' : 'en-GB';
      // the detail (show page) is only built for a mailing the scope already allowed
      for (const row of rows) {
        const [message, ids, preview, attempts] = await Promise.all([
          Message.findByPk(Number(row.messageId), { attributes: ['subject'] }),
          recipients.ids(Number(row.id)),
          recipients.preview(Number(row.id)),
          Attempt.findAll({ where: { mailingId: Number(row.id) }, order: [['attemptedAt', 'DESC']], limit: ATTEMPTS_SHOWN }),
        ]);
        row.clientIds = ids.join(',');
        row.recipientsCount = preview.count;
        row.messageSubject = message?.subject ?? '';
        const paused = row.state === 'paused-by-manager' || row.state === 'completed';
        const runs = paused
          ? []
          : nextRuns(
              { startAt: row.startAt as Date, endAt: (row.endAt as Date | null) ?? null, periodicity: row.periodicity as Periodicity, nextRunAt: (row.nextRunAt as Date | null) ?? null },
              zone,
              RUNS_SHOWN,
            );
        row.nextRuns = runs.length > 0 ? runs.map((at) => formatRunTime(at, zone, locale)).join('\n') : phrase(ctx.config.appLocale, 'nextRunsNone');
        row.recipients = describeRecipients(ctx.config.appLocale, preview);
        row.latestAttempts = attempts
          .map((a) => {
            const labels = attemptLabels(ctx.config.appLocale, a.status, a.trigger);
            const line = phrase(ctx.config.appLocale, 'attemptLine', {
              at: a.attemptedAt.toISOString(), ...labels, sent: a.sentCount, recipients: a.recipientsCount, failed: a.failedCount,
            });
            return a.serverResponse ? `${line} — ${a.serverResponse}` : line;
          })
          .join('\n');
      }
    },
  };
}
