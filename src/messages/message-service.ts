// The message domain functions for every way in: save (sanitise, generate the text part, check the templates),
// preview for one of the owner's clients, and "send a test to me" (rate-limited, recorded apart from the reports).
import { Op } from 'sequelize';
import { QueryTypes } from 'sequelize';
import { assertCan, scope, type Actor } from '../access/policy.js';
import { NotFoundError, OperationalError } from '../errors.js';
import { classifyMailError } from '../mail/mail-errors.js';
import type { MailTransport } from '../mail/transport.js';
import type { Message, Models } from '../models/index.js';
import { MAX_INTEGER_ID } from '../models/limits.js';
import { compileMessage, prepareMessage, SAMPLE_RECIPIENT, type MessageDraft, type Recipient, type RenderedMessage } from './compose.js';

/** How many tests one user may send in TEST_SEND_WINDOW_MS. */
export const TEST_SEND_LIMIT = 5;
export const TEST_SEND_WINDOW_MS = 10 * 60_000;

/** "Send a test to me" was used too often: the person is told when they may send the next one. */
export class TestSendLimitError extends OperationalError {
  override readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(
      `You have sent ${TEST_SEND_LIMIT} test mails in the last ${TEST_SEND_WINDOW_MS / 60_000} minutes: ` +
        `you can send the next one in ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} minute(s)`,
    );
  }
}

/** The mail server refused or failed the test mail: what it said. */
export class TestSendFailedError extends OperationalError {
  override readonly status = 502;
}

export interface Preview extends RenderedMessage {
  /** The client the preview is for; null for the sample data. */
  clientId: number | null;
  recipient: Recipient;
}

export interface MessageService {
  /** Saves a new message of the actor; a MessageProblemsError names each wrong field (template, embedded image). */
  create(actor: Actor, draft: MessageDraft): Promise<Message>;
  update(actor: Actor, id: number, draft: Partial<MessageDraft>): Promise<Message>;
  /** The message as one of the owner's clients (or the sample data) would get it. */
  preview(actor: Actor, id: number, clientId?: number | null): Promise<Preview>;
  /** Sends the preview to the actor's own address; at most TEST_SEND_LIMIT per TEST_SEND_WINDOW_MS per user. */
  sendTest(actor: Actor, id: number, clientId?: number | null): Promise<{ to: string; response: string }>;
  /** The owner's clients to preview for (the first `limit` by name). */
  previewClients(actor: Actor, id: number, limit?: number): Promise<Array<{ id: number; label: string }>>;
}

export interface MessageServiceDeps {
  models: Models;
  transport: MailTransport;
  /** Builds a recipient's unsubscribe link (the audience side); absent: the variable renders empty. */
  unsubscribeUrl?: (clientId: number) => string;
  clock?: () => Date;
}

function toId(value: unknown): number | undefined {
  const id = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof id === 'number' && Number.isInteger(id) && id > 0 && id <= MAX_INTEGER_ID ? id : undefined;
}

export function createMessageService(deps: MessageServiceDeps): MessageService {
  const { models, transport } = deps;
  const { Message, Client, sequelize } = models;
  const clock = deps.clock ?? (() => new Date());

  async function load(actor: Actor, id: number): Promise<Message> {
    const messageId = toId(id);
    const message = messageId === undefined ? null : await Message.findOne({ where: { [Op.and]: [{ id: messageId }, scope(actor, 'messages')] } });
    if (!message) throw new NotFoundError(`Message #${id} was not found`);
    return message;
  }

  async function render(actor: Actor, id: number, clientId?: number | null): Promise<Preview> {
    const message = await load(actor, id);
    assertCan(actor, 'show', 'messages', message);
    let recipient: Recipient = SAMPLE_RECIPIENT;
    let chosen: number | null = null;
    if (clientId !== undefined && clientId !== null && String(clientId) !== '') {
      const cid = toId(clientId);
      // only a client of the message's owner, and one the actor may see: anything else is "not found"
      const client = cid === undefined ? null : await Client.findOne({ where: { [Op.and]: [{ id: cid, ownerId: message.ownerId }, scope(actor, 'clients')] } });
      if (!client) throw new NotFoundError(`Client #${clientId} was not found`);
      recipient = { name: client.fullName, email: client.email, comment: client.comment };
      chosen = client.id;
    }
    const compiled = compileMessage({ subject: message.subject, html: message.html, text: message.body });
    const unsubscribe = chosen !== null && deps.unsubscribeUrl ? deps.unsubscribeUrl(chosen) : '';
    return { ...compiled.render(recipient, unsubscribe), clientId: chosen, recipient };
  }

  return {
    async create(actor, draft) {
      assertCan(actor, 'new', 'messages', { ownerId: actor.id });
      const prepared = prepareMessage(draft);
      const message = await Message.create({ ownerId: actor.id, subject: prepared.subject, html: prepared.html, body: prepared.text, textCustom: prepared.textCustom });
      return message;
    },

    async update(actor, id, draft) {
      const message = await load(actor, id);
      assertCan(actor, 'edit', 'messages', message);
      // a hand-written text part stays unless the form says otherwise; a generated one follows the HTML
      const custom = draft.textOverride !== undefined ? draft.textOverride : message.textCustom ? message.body : null;
      const prepared = prepareMessage({ subject: draft.subject ?? message.subject, html: draft.html ?? message.html, textOverride: custom });
      await message.update({ subject: prepared.subject, html: prepared.html, body: prepared.text, textCustom: prepared.textCustom });
      return message;
    },

    preview: render,

    async sendTest(actor, id, clientId) {
      const preview = await render(actor, id, clientId);
      const now = clock();
      // the limit is counted in the database, so it holds across web processes; the lock makes two clicks at
      // the same moment count one after the other
      const result = await sequelize.transaction(async (transaction) => {
        await sequelize.query('SELECT pg_advisory_xact_lock(hashtext($1))', { bind: [`test-send:${actor.id}`], transaction });
        const [recent] = await sequelize.query<{ n: number; oldest: Date | null }>(
          `SELECT count(*)::int AS n, min(sent_at) AS oldest FROM test_sends WHERE user_id = $1 AND sent_at > $2`,
          { bind: [actor.id, new Date(now.getTime() - TEST_SEND_WINDOW_MS)], type: QueryTypes.SELECT, transaction },
        );
        if ((recent?.n ?? 0) >= TEST_SEND_LIMIT) {
          const freeAt = new Date(recent!.oldest!).getTime() + TEST_SEND_WINDOW_MS;
          throw new TestSendLimitError((freeAt - now.getTime()) / 1000);
        }
        let response: string;
        try {
          const info = await transport.send({ to: actor.email, subject: `[TEST] ${preview.subject}`, html: preview.html, text: preview.text });
          response = info.response;
        } catch (raw) {
          const error = classifyMailError(raw);
          throw new TestSendFailedError(`The test mail was not sent: ${error.response ?? error.message}`);
        }
        await sequelize.query('INSERT INTO test_sends (user_id, message_id, email, sent_at, response) VALUES ($1, $2, $3, $4, $5)', {
          bind: [actor.id, Number(id), actor.email, now, response.slice(0, 2000)],
          transaction,
        });
        return { to: actor.email, response };
      });
      return result;
    },

    async previewClients(actor, id, limit = 200) {
      const message = await load(actor, id);
      assertCan(actor, 'show', 'messages', message);
      const clients = await Client.findAll({
        where: { [Op.and]: [{ ownerId: message.ownerId }, scope(actor, 'clients')] },
        attributes: ['id', 'fullName', 'email'],
        order: [['fullName', 'ASC'], ['id', 'ASC']],
        limit,
      });
      return clients.map((c) => ({ id: c.id, label: c.fullName ? `${c.fullName} <${c.email}>` : c.email }));
    },
  };
}
