// Report filters on deliveries that are not columns of their own, and a run's deliveries page by page.
import { Op, literal, type WhereOptions } from 'sequelize';
import { MAX_INTEGER_ID } from '../models/limits.js';
import type { Models } from '../models/index.js';
import type { DeliveryStatus } from '../models/delivery.js';
import { scope, type Actor } from '../access/policy.js';

/**
 * The deliveries of one mailing, as a where on deliveries (a delivery knows its attempt, the attempt its
 * mailing). A value that is not a mailing id finds nothing.
 */
export function deliveriesOfMailing(value: string): WhereOptions {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0 || id > MAX_INTEGER_ID) return { id: { [Op.is]: null } } as WhereOptions;
  // the id is a checked whole number, so it can stand in the subquery as it is
  return { attemptId: { [Op.in]: literal(`(SELECT id FROM attempts WHERE mailing_id = ${id})`) } } as WhereOptions;
}

/** One recipient's line in a run's report, with the client's name when the client still exists. */
export interface DeliveryLine {
  id: number;
  email: string;
  clientName: string | null;
  status: DeliveryStatus;
  skipReason: string | null;
  tries: number;
  responseCode: number | null;
  response: string | null;
  sentAt: Date | null;
}

/** A page of a run's deliveries; `next` is the cursor of the following page (null on the last one). */
export interface DeliveryPage {
  deliveries: DeliveryLine[];
  next: number | null;
}

export const DELIVERY_PAGE_MAX = 100;

/**
 * A page of one run's deliveries the actor may see (the policy's scope: the run's owner, or who views every
 * mailing), optionally of one status, after the delivery id `after`. ONE query per page whatever the size of the
 * run: keyset paging on the id (the index on attempt_id, status, id serves it; no OFFSET to walk, no count), one
 * row more than the page says whether a next page exists, and the client's name comes from a subquery of the page's
 * rows. Another user's run gives an empty page, as one that does not exist.
 */
export async function attemptDeliveries(
  models: Pick<Models, 'Delivery'>,
  actor: Actor,
  attemptId: number,
  options: { status?: DeliveryStatus; after?: number; perPage?: number } = {},
): Promise<DeliveryPage> {
  const perPage = Math.min(Math.max(1, Math.trunc(options.perPage ?? 20)), DELIVERY_PAGE_MAX);
  if (!Number.isInteger(attemptId) || attemptId <= 0 || attemptId > MAX_INTEGER_ID) return { deliveries: [], next: null };
  const conditions: WhereOptions[] = [{ attemptId }, scope(actor, 'deliveries')];
  if (options.status) conditions.push({ status: options.status });
  if (options.after !== undefined && Number.isSafeInteger(options.after)) conditions.push({ id: { [Op.gt]: options.after } });
  const rows = await models.Delivery.findAll({
    where: { [Op.and]: conditions } as WhereOptions,
    attributes: [
      'id', 'email', 'status', 'skipReason', 'tries', 'responseCode', 'response', 'sentAt',
      [literal('(SELECT c.full_name FROM clients c WHERE c.id = "Delivery"."client_id")'), 'clientName'],
    ],
    order: [['id', 'ASC']],
    limit: perPage + 1,
  });
  const lines = rows.slice(0, perPage).map((row) => {
    const value = row.get({ plain: true }) as unknown as DeliveryLine & { id: string | number };
    return { ...value, id: Number(value.id), clientName: value.clientName || null };
  });
  return { deliveries: lines, next: rows.length > perPage ? lines[lines.length - 1]!.id : null };
}
