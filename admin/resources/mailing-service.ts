// Form values of a mailing as the sending engine's domain functions (ctx.mailings) take them.
import type { MailingInput } from '../../src/mailings/mailing-service.js';
import type { Params } from '../scoped-resource.js';

/**
 * The fields present in a form payload, converted; what is missing stays missing so the engine's validation
 * names it ("Choose a message", "Choose at least one client").
 */
export function mailingInput(params: Params): Partial<MailingInput> {
  const result: Record<string, unknown> = {};
  if (params.messageId !== undefined && params.messageId !== null && params.messageId !== '') result.messageId = Number(params.messageId);
  if (params.clientIds !== undefined) {
    const ids = Array.isArray(params.clientIds) ? params.clientIds : [params.clientIds];
    result.clientIds = ids.filter((id) => id !== '' && id !== null && id !== undefined).map(Number);
  }
  for (const field of ['startAt', 'endAt'] as const) {
    const value = params[field];
    if (typeof value === 'string' && value !== '') result[field] = new Date(value);
    else if (value instanceof Date) result[field] = value;
  }
  if (typeof params.periodicity === 'string') result.periodicity = params.periodicity;
  return result as Partial<MailingInput>;
}
