// The mailing domain functions: create, change, disable, delete and send mailings, for every way in.
import { Op, type Transaction } from 'sequelize';
import { assertCan, scope, type Actor } from '../access/policy.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Logger } from '../log.js';
import { mailingDateProblem, PERIODICITIES, type Mailing, type Models, type Periodicity } from '../models/index.js';
import type { MailingPlanner } from '../scheduling/planner.js';
import type { EngineDeps } from '../sending/run-mailing.js';
import { runMailingNow } from '../sending/run-now.js';
import { MAX_INTEGER_ID } from '../models/limits.js';
import { cancelRuns } from '../sending/cancel-runs.js';
import { mailingRecipients } from './recipients.js';
import { clientTags } from '../audience/tags.js';

export interface MailingInput {
  /** What people call the mailing (lists, reports, the dashboard). */
  name: string;
  messageId: number;
  clientIds: number[];
  /** Every client carrying one of these tags when a run starts (optional). */
  tagIds?: number[];
  /** Every client of the owner when a run starts (optional). */
  audienceAll?: boolean;
  startAt: Date;
  /** Null (or absent) only for `once`. */
  endAt: Date | null;
  periodicity: Periodicity;
}

/** The longest mailing name. */
export const MAILING_NAME_MAX = 200;

export interface MailingService {
  /** Creates a mailing owned by the actor; sends at once when its window is open, else schedules the start. */
  create(actor: Actor, input: MailingInput): Promise<Mailing>;
  /**
   * Changes a mailing. Only its future runs change: saving never sends by itself (spec rule 1), except a mailing
   * that has never sent and whose window is now open, which is then sent as on creation.
   */
  update(actor: Actor, id: number, input: Partial<MailingInput>): Promise<Mailing>;
  /** Deletes the mailing; a run it is sending stops (cancelled), its reports stay readable. */
  remove(actor: Actor, id: number): Promise<void>;
  /** Manager action: the mailing sends nothing and loses its job until enabled; a run it is sending stops. */
  disable(actor: Actor, id: number): Promise<Mailing>;
  enable(actor: Actor, id: number): Promise<Mailing>;
  /**
   * Starts a manual run at once, in the background; the attempt id lets the caller follow it. While the mailing
   * is sending, a ConflictError says so (one unfinished run per mailing); an interrupted run is resumed.
   */
  sendNow(actor: Actor, id: number): Promise<{ attemptId: number }>;
  /** Called when a user is blocked: their mailings lose their jobs. */
  ownerBlocked(userId: number): Promise<void>;
  /** Called when a user is unblocked: their mailings are scheduled again. */
  ownerUnblocked(userId: number): Promise<void>;
  /** Waits for the runs "send now" started in the background. */
  drain(): Promise<void>;
}

export interface MailingServiceDeps {
  models: Models;
  planner: MailingPlanner;
  /** The sending engine "send now" runs with (src/sending/run-now.ts). */
  engine: EngineDeps;
  log: Logger;
}

type Fields = Partial<Record<keyof MailingInput, string>>;

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') return new Date(value);
  return undefined;
}

function toId(value: unknown): number | undefined {
  const id = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof id === 'number' && Number.isInteger(id) && id > 0 && id <= MAX_INTEGER_ID ? id : undefined;
}

/** A whole number past MAX_INTEGER_ID: a well-formed id of a record that cannot exist. */
function isTooBig(value: unknown): boolean {
  const id = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof id === 'number' && Number.isInteger(id) && id > MAX_INTEGER_ID;
}

/** Checks the shape of a complete input; throws one ValidationError listing every bad field. */
function validate(input: Partial<Record<keyof MailingInput, unknown>>): MailingInput {
  const fields: Fields = {};
  const messageId = toId(input.messageId);
  if (messageId === undefined) fields.messageId = isTooBig(input.messageId) ? 'The chosen message was not found' : 'Choose a message';
  const rawClients = Array.isArray(input.clientIds) ? input.clientIds : [];
  const clientIds = [...new Set(rawClients.map(toId))];
  const rawTags = Array.isArray(input.tagIds) ? input.tagIds : [];
  const tagIds = [...new Set(rawTags.map(toId))];
  const audienceAll = input.audienceAll === true;
  // the audience: chosen clients, tags, all clients, or any mix; nothing at all is the one mistake
  if (clientIds.length === 0 && tagIds.length === 0 && !audienceAll) fields.clientIds = 'Choose at least one client';
  else if (rawClients.some(isTooBig)) fields.clientIds = 'A chosen client was not found';
  else if (clientIds.includes(undefined)) fields.clientIds = 'A chosen client is not valid';
  if (rawTags.some(isTooBig)) fields.tagIds = 'A chosen tag was not found';
  else if (tagIds.includes(undefined)) fields.tagIds = 'A chosen tag is not valid';
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '') fields.name = 'Give the mailing a name';
  else if (name.length > MAILING_NAME_MAX) fields.name = `The name is longer than ${MAILING_NAME_MAX} characters`;
  const once = input.periodicity === 'once';
  const startAt = toDate(input.startAt);
  // a `once` mailing needs no end: an empty one is none
  const noEnd = input.endAt === undefined || input.endAt === null || input.endAt === '';
  const endAt = once && noEnd ? null : toDate(input.endAt);
  if (!isValidDate(startAt)) fields.startAt = 'Enter when the first send happens';
  if (endAt !== null && !isValidDate(endAt)) fields.endAt = 'Enter when the mailing ends';
  const startProblem = isValidDate(startAt) ? mailingDateProblem(startAt) : undefined;
  const endProblem = isValidDate(endAt) ? mailingDateProblem(endAt) : undefined;
  if (startProblem) fields.startAt = startProblem;
  if (endProblem) fields.endAt = endProblem;
  if (!fields.startAt && !fields.endAt && endAt !== null && endAt!.getTime() <= startAt!.getTime()) fields.endAt = 'The end must be after the start';
  if (!(PERIODICITIES as readonly unknown[]).includes(input.periodicity)) fields.periodicity = 'Periodicity must be once, daily, weekly or monthly';
  const problems = [...new Set(Object.values(fields))];
  if (problems.length > 0) throw new ValidationError(problems.join('. '), fields);
  return {
    name, messageId: messageId!, clientIds: clientIds as number[], tagIds: tagIds as number[], audienceAll,
    startAt: startAt!, endAt: endAt ?? null, periodicity: input.periodicity as Periodicity,
  };
}

export function createMailingService(deps: MailingServiceDeps): MailingService {
  const { models, planner } = deps;
  const { Mailing, Message, sequelize } = models;
  const recipients = mailingRecipients(sequelize);
  const tags = clientTags(sequelize);
  const background = new Set<Promise<unknown>>();

  /** The mailing if the actor may see it; a guessed id of someone else's mailing is "not found". */
  async function load(actor: Actor, id: number, transaction?: Transaction): Promise<Mailing> {
    const mailingId = toId(id);
    const mailing =
      mailingId === undefined
        ? null
        : await Mailing.findOne({ where: { [Op.and]: [{ id: mailingId }, scope(actor, 'mailings')] }, transaction, lock: transaction ? true : undefined });
    if (!mailing) throw new NotFoundError(`Mailing #${id} was not found`);
    return mailing;
  }

  /** The message and every client must be the owner's: others' records are "not found", never revealed. */
  async function checkOwnership(ownerId: number, input: MailingInput, transaction: Transaction): Promise<void> {
    const fields: Fields = {};
    const message = await Message.findOne({ where: { id: input.messageId, ownerId }, transaction });
    if (!message) fields.messageId = 'The chosen message was not found';
    // one query for any number of ids (validate() made them unique): existence and ownership together
    const found = await recipients.countOwned(ownerId, input.clientIds, transaction);
    if (found !== input.clientIds.length) fields.clientIds = 'A chosen client was not found';
    const tagIds = input.tagIds ?? [];
    if (tagIds.length > 0 && (await tags.owned(ownerId, tagIds, transaction)).length !== tagIds.length) fields.tagIds = 'A chosen tag was not found';
    const problems = Object.values(fields);
    if (problems.length > 0) throw new ValidationError(problems.join('. '), fields);
  }

  async function replanOwnerMailings(userId: number): Promise<void> {
    const mailings = await Mailing.findAll({ where: { ownerId: userId }, attributes: ['id'] });
    for (const mailing of mailings) await planner.replan(mailing.id, { runNow: false });
  }

  return {
    async create(actor, input) {
      assertCan(actor, 'new', 'mailings', { ownerId: actor.id });
      const valid = validate(input);
      const mailing = await sequelize.transaction(async (transaction) => {
        await checkOwnership(actor.id, valid, transaction);
        const created = await Mailing.create(
          {
            ownerId: actor.id, name: valid.name, messageId: valid.messageId, startAt: valid.startAt, endAt: valid.endAt, periodicity: valid.periodicity, status: 'created',
            audienceAll: valid.audienceAll ?? false,
          },
          { transaction },
        );
        await recipients.add(created.id, valid.clientIds, transaction);
        await recipients.replaceTags(created.id, valid.tagIds ?? [], transaction);
        return created;
      });
      await planner.replan(mailing.id, { runNow: true });
      return (await Mailing.findByPk(mailing.id)) ?? mailing;
    },

    async update(actor, id, input) {
      const { mailing } = await sequelize.transaction(async (transaction) => {
        const current = await load(actor, id, transaction);
        assertCan(actor, 'edit', 'mailings', current);
        const before = {
          name: current.name,
          messageId: current.messageId,
          clientIds: await recipients.ids(current.id, transaction),
          tagIds: (await recipients.tags(current.id, transaction)).map((tag) => tag.id),
          audienceAll: current.audienceAll,
          startAt: current.startAt,
          endAt: current.endAt,
          periodicity: current.periodicity,
        };
        const valid = validate({ ...before, ...stripUndefined(input) });
        await checkOwnership(current.ownerId, valid, transaction);
        const sameClients = valid.clientIds.slice().sort((a, b) => a - b).join(',') === before.clientIds.join(',');
        const sameTags = (valid.tagIds ?? []).slice().sort((a, b) => a - b).join(',') === before.tagIds.slice().sort((a, b) => a - b).join(',');
        const scheduleChanged =
          valid.startAt.getTime() !== before.startAt.getTime() ||
          (valid.endAt?.getTime() ?? null) !== (before.endAt ? new Date(before.endAt).getTime() : null) ||
          valid.periodicity !== before.periodicity;
        await current.update(
          {
            name: valid.name, messageId: valid.messageId, startAt: valid.startAt, endAt: valid.endAt, periodicity: valid.periodicity,
            nextRunAt: scheduleChanged ? null : current.nextRunAt,
            audienceAll: valid.audienceAll ?? false,
          },
          { transaction },
        );
        if (!sameClients) await recipients.replace(current.id, valid.clientIds, transaction);
        if (!sameTags) await recipients.replaceTags(current.id, valid.tagIds ?? [], transaction);
        // the reports name the mailing by its name: a renamed one is renamed there too
        if (valid.name !== before.name) {
          await sequelize.query('UPDATE attempts SET mailing_label = left($2, 300) WHERE mailing_id = $1', { bind: [current.id, valid.name], transaction });
        }
        return { mailing: current };
      });
      // spec rule 1: an edit changes the future runs only and never re-sends by itself ("send now" does that, on
      // purpose); the planner moves the next run (a mailing that never sent and is now due is made at its slot)
      await planner.replan(mailing.id, { runNow: false });
      return (await Mailing.findByPk(mailing.id)) ?? mailing;
    },

    async remove(actor, id) {
      await sequelize.transaction(async (transaction) => {
        const mailing = await load(actor, id, transaction);
        assertCan(actor, 'delete', 'mailings', mailing);
        // the run it is sending stops with the delete (one transaction); its attempts stay, mailing_id NULL
        await cancelRuns(sequelize, { mailingId: mailing.id }, { byId: actor.id, reason: `mailing deleted by ${actor.email}` }, transaction);
        await mailing.destroy({ transaction });
      });
      await planner.forget(Number(id));
    },

    async disable(actor, id) {
      const mailing = await sequelize.transaction(async (transaction) => {
        const current = await load(actor, id, transaction);
        assertCan(actor, 'disable', 'mailings', current);
        const disabled = await current.update({ disabledAt: new Date(), disabledById: actor.id }, { transaction });
        await cancelRuns(sequelize, { mailingId: current.id }, { byId: actor.id, reason: `disabled by ${actor.email}` }, transaction);
        return disabled;
      });
      await planner.replan(mailing.id, { runNow: false });
      return (await Mailing.findByPk(mailing.id)) ?? mailing;
    },

    async enable(actor, id) {
      const mailing = await sequelize.transaction(async (transaction) => {
        const current = await load(actor, id, transaction);
        assertCan(actor, 'enable', 'mailings', current);
        return current.update({ disabledAt: null, disabledById: null }, { transaction });
      });
      await planner.replan(mailing.id, { runNow: false });
      return (await Mailing.findByPk(mailing.id)) ?? mailing;
    },

    async sendNow(actor, id) {
      const mailing = await load(actor, id);
      assertCan(actor, 'sendNow', 'mailings', mailing);
      const run = await runMailingNow(deps.engine, mailing.id, { trigger: 'manual' });
      // sent (or resumed) in the background: the attempt shows under Reports
      const settled = run.outcome
        .catch((error: unknown) => deps.log.error(`manual run of mailing ${mailing.id}: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => background.delete(settled));
      background.add(settled);
      return { attemptId: run.attemptId };
    },

    ownerBlocked: replanOwnerMailings,
    ownerUnblocked: replanOwnerMailings,

    async drain() {
      while (background.size > 0) await Promise.allSettled([...background]);
    },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
