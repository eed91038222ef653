// Report filters on deliveries that are not columns of their own.
import { Op, literal, type WhereOptions } from 'sequelize';
import { MAX_INTEGER_ID } from '../models/limits.js';

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
