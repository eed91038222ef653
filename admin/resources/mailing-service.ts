// Form values of a mailing as the sending engine's domain functions (ctx.mailings) take them.
import type { MailingInput } from '../../src/mailings/mailing-service.js';
import type { Params } from '../scoped-resource.js';

/**
 * The chosen clients as the picker sends them: ONE field, "12,15,20" or a JSON array "[12,15,20]" (10,000 ids stay
 * one field under the form's field-count cap); the older one-field-per-id shape ("clientIds.0", …) arrives here
 * unflattened as an array. Anything that is not a whole number is kept as NaN, for the engine to refuse.
 */
export function clientIdsOf(value: unknown): number[] {
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (typeof value === 'number') items = [value];
  else if (typeof value === 'string') {
    const text = value.trim();
    items = text.startsWith('[') ? jsonArray(text) : text.split(',');
  } else items = [NaN];
  // one pass: this runs on the event loop for every id of a 10,000-client mailing
  const ids: number[] = [];
  for (const item of items) {
    if (typeof item === 'number') ids.push(item);
    else if (typeof item === 'string') {
      const id = item.trim();
      if (id !== '') ids.push(/^[0-9]+$/.test(id) ? Number(id) : NaN);
    } else if (item !== null && item !== undefined) ids.push(NaN);
  }
  return ids;
}

function jsonArray(text: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [NaN];
  } catch {
    return [NaN];
  }
}

/**
 * The fields present in a form payload, converted; what is missing stays missing so the engine's validation
 * names it ("Choose a message", "Choose at least one client").
 */
export function mailingInput(params: Params): Partial<MailingInput> {
  const result: Record<string, unknown> = {};
  if (typeof params.name === 'string') result.name = params.name;
  if (params.messageId !== undefined && params.messageId !== null && params.messageId !== '') result.messageId = Number(params.messageId);
  if (params.clientIds !== undefined) result.clientIds = clientIdsOf(params.clientIds);
  if (params.tagIds !== undefined) result.tagIds = clientIdsOf(params.tagIds);
  if (params.audienceAll !== undefined) result.audienceAll = params.audienceAll === true || params.audienceAll === 'true';
  for (const field of ['startAt', 'endAt'] as const) {
    const value = params[field];
    if (typeof value === 'string' && value !== '') result[field] = new Date(value);
    else if (value instanceof Date) result[field] = value;
    // an emptied end: none (only a `once` mailing may have none; the engine says so for the others)
    else if (field === 'endAt' && (value === '' || value === null)) result[field] = null;
  }
  if (typeof params.periodicity === 'string') result.periodicity = params.periodicity;
  return result as Partial<MailingInput>;
}
