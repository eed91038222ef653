// The sending engine's mailing service as the back office calls it (ctx.mailings): every mailing write goes there.
import type { ServiceContext } from '../../src/context.js';
import type { Actor } from '../../src/access/policy.js';
import { OperationalError } from '../../src/errors.js';

export interface MailingInput {
  messageId?: number;
  clientIds?: number[];
  startAt?: Date | string;
  endAt?: Date | string;
  periodicity?: string;
}

type Saved = { toJSON?: () => Record<string, unknown>; id?: number } | Record<string, unknown>;

export interface MailingServicePort {
  create(actor: Actor, input: MailingInput): Promise<Saved>;
  update(actor: Actor, id: number, input: MailingInput): Promise<Saved>;
  remove(actor: Actor, id: number): Promise<unknown>;
  disable(actor: Actor, id: number): Promise<unknown>;
  enable(actor: Actor, id: number): Promise<unknown>;
  sendNow(actor: Actor, id: number): Promise<unknown>;
}

export function mailingService(ctx: ServiceContext): MailingServicePort {
  const service = (ctx as ServiceContext & { mailings?: MailingServicePort }).mailings;
  if (!service) throw new OperationalError('The sending engine is not running in this process: mailings cannot be changed here.');
  return service;
}

/** A saved mailing as a plain row. */
export function rowOf(saved: Saved): Record<string, unknown> {
  const withJson = saved as { toJSON?: () => Record<string, unknown> };
  return typeof withJson.toJSON === 'function' ? withJson.toJSON() : { ...(saved as Record<string, unknown>) };
}
