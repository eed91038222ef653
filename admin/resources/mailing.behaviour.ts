// How mailings are read and written in the back office: writes go through the sending engine (validation,
// schedule, send at once if due); reads add the clients, the message and the latest attempts to the record.
import { Op } from 'sequelize';
import type { ServiceContext } from '../../src/context.js';
import type { ResourceBehaviour } from '../scoped-resource.js';
import type { MailingInput } from '../../src/mailings/mailing-service.js';
import { mailingInput } from './mailing-service.js';

const ATTEMPTS_SHOWN = 5;

/** The fields a mailing form shows and the only ones a write accepts. */
export const MAILING_FIELDS = ['messageId', 'clientIds', 'startAt', 'endAt', 'periodicity'];

export function mailingBehaviour(ctx: ServiceContext): ResourceBehaviour {
  const { Client, Message, MailingClient, Attempt } = ctx.db.models;
  return {
    editable: () => MAILING_FIELDS,
    entity: 'mailing',
    // a new mailing needs every field: missing ones are named by the engine's validation
    create: async (actor, params) => (await ctx.mailings.create(actor, { clientIds: [], ...mailingInput(params) } as MailingInput)).toJSON(),
    update: async (actor, id, params) => (await ctx.mailings.update(actor, id, mailingInput(params))).toJSON(),
    delete: (actor, id) => ctx.mailings.remove(actor, id),
    async extend(rows, detail) {
      const ids = rows.map((row) => Number(row.id));
      const links = await MailingClient.findAll({ where: { mailingId: { [Op.in]: ids } }, order: [['clientId', 'ASC']] });
      for (const row of rows) row.clientIds = links.filter((link) => link.mailingId === row.id).map((link) => link.clientId);
      if (!detail) return;
      // the detail (show page) is only built for a mailing the scope already allowed
      for (const row of rows) {
        const [message, clients, attempts] = await Promise.all([
          Message.findByPk(Number(row.messageId), { attributes: ['subject'] }),
          Client.findAll({ where: { id: { [Op.in]: row.clientIds as number[] } }, attributes: ['email', 'fullName'], order: [['email', 'ASC']] }),
          Attempt.findAll({ where: { mailingId: Number(row.id) }, order: [['attemptedAt', 'DESC']], limit: ATTEMPTS_SHOWN }),
        ]);
        row.messageSubject = message?.subject ?? '';
        row.recipients = clients.map((client) => (client.fullName ? `${client.fullName} <${client.email}>` : client.email)).join(', ');
        row.latestAttempts = attempts
          .map((a) => `${a.attemptedAt.toISOString()} ${a.status} (${a.trigger}): ${a.sentCount}/${a.recipientsCount} sent, ${a.failedCount} failed${a.serverResponse ? ` — ${a.serverResponse}` : ''}`)
          .join('\n');
      }
    },
  };
}
