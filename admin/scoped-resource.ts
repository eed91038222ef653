// The Sequelize resource every back-office screen goes through: every read is ANDed with the policy's scope for
// the logged-in user, and writes take only the fields a resource lists as editable (owner set from the session).
import { BaseRecord, flat, ValidationError as AdminValidationError, ForbiddenError as AdminForbiddenError, NotFoundError as AdminNotFoundError, type ActionContext, type Filter } from 'adminjs';
import { Resource as SequelizeResource, convertFilter } from '@adminjs/sequelize';
import { Op, type ModelStatic, type Model, type WhereOptions } from 'sequelize';
import { scope, type Actor, type ResourceName } from '../src/access/policy.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../src/errors.js';
import { dataChanged, type ChangedEntity } from '../src/events.js';
import { actorOf } from './current-admin.js';

export type Params = Record<string, unknown>;
type Row = Record<string, unknown>;

/** What makes one resource differ from plain scoped CRUD; each resource file passes its own. */
export interface ResourceBehaviour {
  /** Fields a form may write; anything else in a payload (owner, ids, counters) is ignored. */
  editable?: (actor: Actor) => readonly string[];
  /** Fields never sent to the browser (password hashes). */
  hidden?: readonly string[];
  /** Adds computed params (e.g. a mailing's clientIds) to rows already allowed by the scope. */
  extend?: (rows: Row[], detail: boolean) => Promise<void>;
  /** Replace the plain writes, e.g. to go through a domain service. They receive only editable fields. */
  create?: (actor: Actor, params: Params) => Promise<Row>;
  update?: (actor: Actor, id: number, params: Params) => Promise<Row>;
  delete?: (actor: Actor, id: number) => Promise<void>;
  /** Told to the rest of the service (the public site's cache) after a write. */
  entity?: ChangedEntity;
  /**
   * Fields a feature's own hook may write without a request context (the upload feature stores the image key
   * after saving). Every HTTP path passes its context, so nothing a browser sends can use this.
   */
  internalEditable?: readonly string[];
  /** Filters on something that is not a column (e.g. a delivery's mailing): path → condition for the value. */
  virtualFilters?: Record<string, (value: string) => WhereOptions>;
  /** Fields set from the session on create (e.g. ownerId). */
  onCreate?: (actor: Actor) => Params;
}

/** Domain errors as AdminJS errors, so the screens show them (forms: next to the fields). */
export function toAdminError(error: unknown): unknown {
  if (error instanceof ValidationError) {
    const fields = Object.fromEntries(Object.entries(error.fields).map(([field, message]) => [field, { message }]));
    return new AdminValidationError(fields, { message: error.message });
  }
  if (error instanceof ForbiddenError) return new AdminForbiddenError(error.message);
  if (error instanceof NotFoundError) return new AdminNotFoundError(error.message, 'record');
  if (error instanceof Error && error.name === 'SequelizeUniqueConstraintError') {
    return new AdminValidationError({}, { message: 'A record with these values already exists (e.g. the same e-mail address).' });
  }
  if (error instanceof Error && error.name === 'SequelizeValidationError') {
    const items = (error as Error & { errors?: Array<{ path?: string; message: string }> }).errors ?? [];
    const fields = Object.fromEntries(items.filter((item) => item.path).map((item) => [item.path!, { message: item.message }]));
    return new AdminValidationError(fields, { message: items.map((item) => item.message).join('; ') || error.message });
  }
  if (error instanceof Error && error.name === 'SequelizeForeignKeyConstraintError') {
    return new AdminValidationError({}, { message: 'This record is still used elsewhere (e.g. a message by a mailing): remove that use first.' });
  }
  return error;
}

/** A filter value the database can compare (a garbage date would be a database error, so it is dropped). */
function sensible(type: string, value: unknown): boolean {
  if (type !== 'date' && type !== 'datetime') return true;
  const range = (value ?? {}) as { from?: string; to?: string };
  return [range.from, range.to].every((end) => end === undefined || end === '' || !Number.isNaN(new Date(end).getTime()));
}

function isId(value: unknown): boolean {
  return /^[1-9][0-9]{0,17}$/.test(String(value));
}

export class ScopedResource extends SequelizeResource {
  constructor(
    private readonly model: ModelStatic<Model>,
    private readonly resourceName: ResourceName,
    private readonly behaviour: ResourceBehaviour = {},
  ) {
    super(model);
  }

  override id(): string {
    return this.resourceName;
  }

  private actor(context?: ActionContext): Actor | undefined {
    return actorOf(context?.currentAdmin);
  }

  private requireActor(context?: ActionContext): Actor {
    const actor = this.actor(context);
    if (!actor) throw new AdminForbiddenError('Log in first.');
    return actor;
  }

  private where(context: ActionContext | undefined, extra: WhereOptions): WhereOptions {
    return { [Op.and]: [extra, scope(this.actor(context), this.resourceName)] } as WhereOptions;
  }

  private async records(models: Model[], detail: boolean): Promise<BaseRecord[]> {
    const rows = models.map((model) => model.toJSON() as Row);
    for (const row of rows) for (const field of this.behaviour.hidden ?? []) delete row[field];
    if (rows.length > 0) await this.behaviour.extend?.(rows, detail);
    return rows.map((row) => new BaseRecord(flat.flatten(row), this));
  }

  /** The list's filters as a where: unknown paths are dropped (instead of failing), virtual ones converted. */
  private filterWhere(filter: Filter | undefined): WhereOptions {
    const columns: Array<Filter['filters'][string]> = [];
    const virtual: WhereOptions[] = [];
    for (const item of Object.values(filter?.filters ?? {})) {
      const convert = this.behaviour.virtualFilters?.[item.path];
      if (convert) virtual.push(convert(String(item.value)));
      else if (item.property && sensible(item.property.type(), item.value)) columns.push(item);
    }
    return { [Op.and]: [convertFilter(columns as unknown as Filter), ...virtual] } as WhereOptions;
  }

  override async count(filter: Filter, context?: ActionContext): Promise<number> {
    return this.model.count({ where: this.where(context, this.filterWhere(filter)) });
  }

  override async find(filter: Filter, options: { limit?: number; offset?: number; sort?: { sortBy?: string; direction?: 'asc' | 'desc' } }, context?: ActionContext): Promise<BaseRecord[]> {
    const { limit = 20, offset = 0, sort = {} } = options;
    const sortBy = sort.sortBy && this.model.getAttributes()[sort.sortBy] ? sort.sortBy : 'id';
    const models = await this.model.findAll({
      where: this.where(context, this.filterWhere(filter)),
      limit,
      offset,
      order: [[sortBy, (sort.direction ?? 'asc') === 'desc' ? 'DESC' : 'ASC'], ['id', 'ASC']],
    });
    return this.records(models, false);
  }

  override async findOne(id: string | number, context?: ActionContext): Promise<BaseRecord | null> {
    // ids come from URLs and filters: anything but a whole number finds nothing (rather than a database error)
    if (!isId(id)) return null;
    const model = await this.model.findOne({ where: this.where(context, { id }) });
    if (!model) return null;
    const [record] = await this.records([model], true);
    return record ?? null;
  }

  override async findMany(ids: Array<string | number>, context?: ActionContext): Promise<BaseRecord[]> {
    ids = ids.filter(isId);
    if (ids.length === 0) return [];
    const models = await this.model.findAll({ where: this.where(context, { id: { [Op.in]: ids } }) });
    return this.records(models, false);
  }

  /** The editable fields of a form payload, unflattened ("clientIds.0" → clientIds[0]). */
  private editableParams(actor: Actor, params: Params): Params {
    const parsed = flat.unflatten(this.parseParams(params)) as Params;
    const allowed = new Set(this.behaviour.editable?.(actor) ?? []);
    return Object.fromEntries(Object.entries(parsed).filter(([key]) => allowed.has(key)));
  }

  private async strip(row: Row): Promise<Row> {
    for (const field of this.behaviour.hidden ?? []) delete row[field];
    await this.behaviour.extend?.([row], true);
    return flat.flatten(row) as Row;
  }

  override async create(params: Params, context?: ActionContext): Promise<Params> {
    const actor = this.requireActor(context);
    const values = { ...this.editableParams(actor, params), ...this.behaviour.onCreate?.(actor) };
    try {
      const row = this.behaviour.create ? await this.behaviour.create(actor, values) : ((await super.create(values)) as Row);
      this.changed();
      return this.strip(row);
    } catch (error) {
      throw toAdminError(error);
    }
  }

  private changed(): void {
    if (this.behaviour.entity) dataChanged(this.behaviour.entity);
  }

  override async update(id: string | number, params: Params, context?: ActionContext): Promise<Params> {
    if (!context && this.behaviour.internalEditable) {
      const allowed = new Set(this.behaviour.internalEditable);
      const values = Object.fromEntries(Object.entries(params).filter(([key]) => allowed.has(key)));
      return this.strip((await super.update(id, values)) as Row);
    }
    const actor = this.requireActor(context);
    const values = this.editableParams(actor, params);
    try {
      const row = this.behaviour.update ? await this.behaviour.update(actor, Number(id), values) : ((await super.update(id, values)) as Row);
      this.changed();
      return this.strip(row);
    } catch (error) {
      throw toAdminError(error);
    }
  }

  override async delete(id: string | number, context?: ActionContext): Promise<void> {
    const actor = this.requireActor(context);
    try {
      if (this.behaviour.delete) await this.behaviour.delete(actor, Number(id));
      else await super.delete(id);
      this.changed();
    } catch (error) {
      throw toAdminError(error);
    }
  }
}
