// What a list (or a reference picker's search) may ask of a resource: filters only on the properties it declares
// filterable, sorting only on its sortable list columns, sane paging. Anything else is refused with a 400 that says
// what is allowed, before any SQL is built; secret columns are refused whatever a resource declares.
import type { ResourceDecorator } from 'adminjs';
import { MAX_INTEGER_ID } from '../src/models/limits.js';
import { OperationalError } from '../src/errors.js';

/** A list query the service will not run; the back office answers it with HTTP 400 and this message. */
export class BadQueryError extends OperationalError {
  override readonly status = 400;
}

export const MAX_PER_PAGE = 500;
const BIGINT_MAX = 9223372036854775807n;
const MAX_TEXT_FILTER = 500;
/** Dates a filter may name; outside them PostgreSQL or JavaScript disagree on the calendar. */
const FILTER_YEARS = { from: 1000, to: 9999 };

/** A whole number from 1 to max, as a URL or a form sends it: ids past the column's range find nothing. */
export function isIdWithin(value: unknown, max: bigint | number = MAX_INTEGER_ID): boolean {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[1-9][0-9]{0,18}$/.test(text)) return false;
  return BigInt(text) <= BigInt(max);
}

/** The largest id of a primary key column of this SQL type. */
export function maxIdOf(typeKey: string): bigint {
  return typeKey === 'BIGINT' ? BIGINT_MAX : BigInt(MAX_INTEGER_ID);
}

export interface ListRules {
  resource: string;
  filterable: ReadonlySet<string>;
  sortable: ReadonlySet<string>;
  /** The property a picker's search text is matched against (searches only). */
  title?: string;
}

/**
 * The declared rules of a resource: `filterProperties` (none declared: nothing is filterable), the sortable
 * columns among `listProperties` plus the default sort; for a search, its title property too. Secrets never.
 */
export function listRules(
  decorated: ResourceDecorator,
  columns: ReadonlySet<string>,
  secret: readonly string[],
  search: boolean,
): ListRules {
  const options = decorated.options ?? {};
  const open = (name: string): boolean => !secret.includes(name);
  const filterable = new Set((options.filterProperties ?? []).filter(open));
  const sortable = new Set(
    decorated
      .getListProperties()
      .filter((property) => property.isSortable() && columns.has(property.name()))
      .map((property) => property.name())
      .filter(open),
  );
  if (options.sort?.sortBy && columns.has(options.sort.sortBy) && open(options.sort.sortBy)) sortable.add(options.sort.sortBy);
  sortable.add('id');
  const rules: ListRules = { resource: decorated.id(), filterable, sortable };
  if (search) {
    const title = decorated.titleProperty()?.name();
    if (title && open(title)) {
      rules.title = title;
      sortable.add(title);
    }
  }
  return rules;
}

function names(set: ReadonlySet<string>): string {
  return [...set].sort().join(', ');
}

export function checkFilterPath(rules: ListRules, path: string): void {
  if (rules.filterable.has(path) || path === rules.title) return;
  const allowed = rules.filterable.size > 0 ? `Filter by: ${names(rules.filterable)}.` : 'This list has no filters.';
  throw new BadQueryError(`"${path}" is not a filter of ${rules.resource}. ${allowed}`);
}

export function checkSort(rules: ListRules, sortBy: string | undefined): string {
  if (sortBy === undefined || sortBy === '') return 'id';
  if (rules.sortable.has(sortBy)) return sortBy;
  throw new BadQueryError(`${rules.resource} cannot be sorted by "${sortBy}". Sort by: ${names(rules.sortable)}.`);
}

export function checkPaging(limit: number, offset: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PER_PAGE) {
    throw new BadQueryError(`perPage must be a whole number from 1 to ${MAX_PER_PAGE}.`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > Number.MAX_SAFE_INTEGER / 2) {
    throw new BadQueryError('page must be a whole number from 1 (the first page).');
  }
}

function filterDate(path: string, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  // a calendar date first (JavaScript would read "1" as 2001); then whatever time the screens add
  const date = typeof value === 'string' && /^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ].*)?$/.test(value) ? new Date(value) : undefined;
  const year = date?.getUTCFullYear();
  if (!date || year === undefined || Number.isNaN(year) || year < FILTER_YEARS.from || year > FILTER_YEARS.to) {
    throw new BadQueryError(`Filter "${path}" needs dates like 2026-01-31 (years ${FILTER_YEARS.from}–${FILTER_YEARS.to}).`);
  }
  return date.toISOString();
}

/**
 * The value of a filter the database can compare, by the property's type (as the screens see it), or a
 * BadQueryError naming the filter and what it takes. A date filter is a range { from, to }.
 */
export function checkFilterValue(path: string, type: string, value: unknown): unknown {
  switch (type) {
    case 'reference':
    case 'number':
    case 'float':
      if (isIdWithin(value) || (type !== 'reference' && typeof value === 'string' && /^-?[0-9]{1,9}$/.test(value))) return value;
      throw new BadQueryError(`Filter "${path}" needs ${type === 'reference' ? 'the id of a record (a whole number from 1)' : 'a whole number'}, not "${String(value)}".`);
    case 'boolean':
      if (value === 'true' || value === 'false') return value;
      throw new BadQueryError(`Filter "${path}" takes true or false.`);
    case 'date':
    case 'datetime': {
      const range = (typeof value === 'object' && value !== null ? value : undefined) as { from?: unknown; to?: unknown } | undefined;
      if (!range) throw new BadQueryError(`Filter "${path}" is a date range: give ${path}~~from and/or ${path}~~to.`);
      const from = filterDate(path, range.from);
      const to = filterDate(path, range.to);
      return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
    }
    default:
      if (typeof value !== 'string') throw new BadQueryError(`Filter "${path}" takes one piece of text.`);
      if (value.length > MAX_TEXT_FILTER) throw new BadQueryError(`Filter "${path}" is longer than ${MAX_TEXT_FILTER} characters.`);
      return value;
  }
}
