// The Sequelize resource every back-office screen goes through: every read is ANDed with the policy's scope for
// the logged-in user, and writes take only the fields a resource lists as editable (owner set from the session).
import { BaseRecord, flat, ForbiddenError as AdminForbiddenError, type ActionContext, type Filter } from 'adminjs';
import { Resource as SequelizeResource, convertFilter } from '@adminjs/sequelize';
import { Op, literal, type ModelStatic, type Model, type WhereOptions } from 'sequelize';
import { scope, type Actor, type ResourceName } from '../src/access/policy.js';
import { NotFoundError } from '../src/errors.js';
import { actorOf } from './current-admin.js';
import { checkFilterPath, checkFilterValue, checkPaging, checkSort, isIdWithin, listRules, maxIdOf, type ListRules } from './list-query.js';
import { toAdminError } from './error-answers.js';

export type Params = Record<string, unknown>;
type Row = Record<string, unknown>;

/** What makes one resource differ from plain scoped CRUD; each resource file passes its own. */
export interface ResourceBehaviour {
  /** Fields a form may write; anything else in a payload (owner, ids, counters) is ignored. */
  editable?: (actor: Actor) => readonly string[];
  /**
   * Secret columns (password hashes): never read from the database by the back office, so never listed, shown,
   * filtered or sorted on, by anyone — whatever the resource's options declare.
   */
  hidden?: readonly string[];
  /** Large columns sent only with one record (show, edit), never in lists or pickers (a message body). */
  detailOnly?: readonly string[];
  /** Adds computed params (e.g. a mailing's clientIds) to rows already allowed by the scope. */
  extend?: (rows: Row[], detail: boolean) => Promise<void>;
  /** Replace the plain writes, e.g. to go through a domain service. They receive only editable fields. */
  create?: (actor: Actor, params: Params) => Promise<Row>;
  update?: (actor: Actor, id: number, params: Params) => Promise<Row>;
  delete?: (actor: Actor, id: number) => Promise<void>;
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

  /** The columns read: never the secrets; for lists and pickers, not the detail-only ones either. */
  private attributes(detail: boolean): { exclude: string[] } {
    return { exclude: [...(this.behaviour.hidden ?? []), ...(detail ? [] : (this.behaviour.detailOnly ?? []))] };
  }

  /** An id from a URL, a filter or a picker that can name a row of this table (else it finds nothing). */
  private isId(value: unknown): boolean {
    const key = this.model.getAttributes().id?.type.constructor.name ?? 'INTEGER';
    return isIdWithin(value, maxIdOf(key));
  }

  /** What this request may filter and sort on (a picker's search may also match the title property). */
  private rules(context?: ActionContext): ListRules {
    const columns = new Set(Object.keys(this.model.getAttributes()));
    return listRules(this.decorate(), columns, this.behaviour.hidden ?? [], context?.action?.name === 'search');
  }

  /**
   * The filters as a where. A filter on an undeclared property, or with a value its column cannot hold, is a
   * BadQueryError (HTTP 400) — except a picker's search text that cannot match its title property, which finds
   * nothing. Virtual filters (not columns) are converted by the behaviour.
   */
  private filterWhere(filter: Filter | undefined, rules: ListRules): WhereOptions {
    const columns: Array<Filter['filters'][string]> = [];
    const virtual: WhereOptions[] = [];
    for (const item of Object.values(filter?.filters ?? {})) {
      checkFilterPath(rules, item.path);
      const type = this.decorate().getPropertyByKey(item.path)?.type() ?? item.property?.type() ?? 'string';
      let value: unknown;
      try {
        value = checkFilterValue(item.path, type, item.value);
      } catch (error) {
        if (item.path === rules.title && !rules.filterable.has(item.path)) return literal('FALSE') as unknown as WhereOptions;
        throw error;
      }
      const convert = this.behaviour.virtualFilters?.[item.path];
      if (convert) virtual.push(convert(String(value)));
      else if (item.property && !(typeof value === 'object' && value !== null && Object.keys(value).length === 0)) columns.push({ ...item, value } as never);
    }
    return { [Op.and]: [convertFilter(columns as unknown as Filter), ...virtual] } as WhereOptions;
  }

  override async count(filter: Filter, context?: ActionContext): Promise<number> {
    return this.model.count({ where: this.where(context, this.filterWhere(filter, this.rules(context))) });
  }

  override async find(filter: Filter, options: { limit?: number; offset?: number; sort?: { sortBy?: string; direction?: 'asc' | 'desc' } }, context?: ActionContext): Promise<BaseRecord[]> {
    const { limit = 20, offset = 0, sort = {} } = options;
    const rules = this.rules(context);
    const where = this.where(context, this.filterWhere(filter, rules));
    const sortBy = checkSort(rules, sort.sortBy);
    checkPaging(Number(limit), Number(offset));
    const models = await this.model.findAll({
      where,
      attributes: this.attributes(false),
      limit: Number(limit),
      offset: Number(offset),
      order: [[sortBy, sort.direction === 'desc' ? 'DESC' : 'ASC'], ['id', 'ASC']],
    });
    return this.records(models, false);
  }

  override async findOne(id: string | number, context?: ActionContext): Promise<BaseRecord | null> {
    // ids come from URLs and filters: anything but an id this table can hold finds nothing (not a database error)
    if (!this.isId(id)) return null;
    const model = await this.model.findOne({ where: this.where(context, { id }), attributes: this.attributes(true) });
    if (!model) return null;
    const [record] = await this.records([model], true);
    return record ?? null;
  }

  override async findMany(ids: Array<string | number>, context?: ActionContext): Promise<BaseRecord[]> {
    ids = ids.filter((id) => this.isId(id));
    if (ids.length === 0) return [];
    const models = await this.model.findAll({ where: this.where(context, { id: { [Op.in]: ids } }), attributes: this.attributes(false) });
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
      const row = this.behaviour.create ? await this.behaviour.create(actor, values) : (await this.model.create(values)).toJSON();
      return this.strip(row);
    } catch (error) {
      throw toAdminError(error);
    }
  }

  /** A write without a domain service; its Sequelize errors reach toAdminError (field messages, duplicates). */
  private async plainUpdate(id: string | number, values: Params): Promise<Row> {
    const model = this.isId(id) ? await this.model.findByPk(id) : null;
    if (!model) throw new NotFoundError('This record no longer exists.');
    return (await model.update(values)).toJSON() as Row;
  }

  override async update(id: string | number, params: Params, context?: ActionContext): Promise<Params> {
    if (!context && this.behaviour.internalEditable) {
      const allowed = new Set(this.behaviour.internalEditable);
      const values = Object.fromEntries(Object.entries(params).filter(([key]) => allowed.has(key)));
      return this.strip(await this.plainUpdate(id, values));
    }
    const actor = this.requireActor(context);
    const values = this.editableParams(actor, params);
    try {
      const row = this.behaviour.update ? await this.behaviour.update(actor, Number(id), values) : await this.plainUpdate(id, values);
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
    } catch (error) {
      throw toAdminError(error);
    }
  }
}
