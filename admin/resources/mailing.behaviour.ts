// How mailings are read and written in the back office: writes go through the sending engine (validation,
// schedule, send at once if due); reads add the clients, the message and the latest attempts to the record.
import { Op } from 'sequelize';
import type { ServiceContext } from '../../src/context.js';
import type { ResourceBehaviour, Params } from '../scoped-resource.js';
import { mailingService, rowOf, type MailingInput } from './mailing-service.js';

const ATTEMPTS_SHOWN = 5;

function input(params: Params): MailingInput {
  const result: MailingInput = {};
  if (params.messageId !== undefined && params.messageId !== null && params.messageId !== '') result.messageId = Number(params.messageId);
  if (params.clientIds !== undefined) {
    const ids = Array.isArray(params.clientIds) ? params.clientIds : [params.clientIds];
    result.clientIds = [...new Set(ids.filter((id) => id !== '' && id !== null && id !== undefined).map(Number))];
  }
  if (typeof params.startAt === 'string' && params.startAt !== '') result.startAt = new Date(params.startAt);
  if (typeof params.endAt === 'string' && params.endAt !== '') result.endAt = new Date(params.endAt);
  if (typeof params.periodicity === 'string') result.periodicity = params.periodicity;
  return result;
}

export function mailingBehaviour(ctx: ServiceContext): ResourceBehaviour {
  const { Client, Message, MailingClient, Attempt } = ctx.db.models;
  return {
    editable: () => ['messageId', 'clientIds', 'startAt', 'endAt', 'periodicity'],
    entity: 'mailing',
    create: async (actor, params) => {
      // a new mailing needs every field; missing ones are reported by the engine's validation
      const values: MailingInput = { clientIds: [], ...input(params) };
      return rowOf(await mailingService(ctx).create(actor, values));
    },
    update: async (actor, id, params) => rowOf(await mailingService(ctx).update(actor, id, input(params))),
    delete: async (actor, id) => {
      await mailingService(ctx).remove(actor, id);
    },
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
