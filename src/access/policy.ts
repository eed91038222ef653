// The one access policy: who may do what to which record, and which rows a user's queries may see.
// Built from permissions (the user's groups, or superuser) and ownership; never from group names.
import { Op, literal, type WhereOptions } from 'sequelize';
import { ForbiddenError } from '../errors.js';
import type { Models } from '../models/index.js';
import { PERMISSIONS, type Permission } from './permissions.js';

export const RESOURCES = ['clients', 'messages', 'mailings', 'attempts', 'deliveries', 'users', 'groups', 'blog_posts'] as const;
export type ResourceName = (typeof RESOURCES)[number];

export const ACTIONS = ['list', 'show', 'new', 'edit', 'delete', 'disable', 'enable', 'sendNow', 'block', 'unblock', 'clearBounce', 'pauseRun', 'resumeRun', 'cancelRun'] as const;
export type Action = (typeof ACTIONS)[number];

/** The logged-in person as the policy sees them. */
export interface Actor {
  readonly id: number;
  readonly email: string;
  readonly isSuperuser: boolean;
  readonly permissions: ReadonlySet<string>;
}

/** What the policy needs to know of a record. For attempts and deliveries, ownerId is the attempt's owner_id. */
export interface RecordFacts {
  id?: number;
  ownerId?: number | null;
  isSuperuser?: boolean;
  disabledAt?: Date | null;
  disabledById?: number | null;
  blockedAt?: Date | null;
  /** A client marked as a hard bounce (clearBounce applies only then). */
  bouncedAt?: Date | null;
}

export function hasPermission(actor: Actor, permission: Permission): boolean {
  return actor.isSuperuser || actor.permissions.has(permission);
}

const READ: ReadonlySet<Action> = new Set(['list', 'show']);
const WRITE: ReadonlySet<Action> = new Set(['new', 'edit', 'delete']);

/**
 * May the actor do this action on this resource (and, when given, this record)?
 * Without a record the answer is "on some record of the resource" (used to show or hide an action).
 */
export function can(actor: Actor | undefined, action: Action, resource: ResourceName, record?: RecordFacts): boolean {
  if (!actor) return false;
  const owns = record === undefined || record.ownerId === actor.id;
  const viewAllMailings = hasPermission(actor, PERMISSIONS.mailing.viewAll);

  switch (resource) {
    case 'clients':
    case 'messages':
      // whoever may edit a client may clear its bounce mark (the address was fixed, or the server mended)
      if (action === 'clearBounce') {
        return resource === 'clients' && can(actor, 'edit', resource, record) && (record === undefined || Boolean(record.bouncedAt));
      }
      if (actor.isSuperuser) return READ.has(action) || WRITE.has(action);
      return (READ.has(action) || WRITE.has(action)) && owns && isPlainUser(actor);

    case 'mailings': {
      // a run under way: its owner, or a manager (who may disable any mailing) for any mailing
      if (action === 'pauseRun' || action === 'resumeRun' || action === 'cancelRun') {
        if (actor.isSuperuser || hasPermission(actor, PERMISSIONS.mailing.disable)) return true;
        return owns && isPlainUser(actor);
      }
      if (action === 'disable' || action === 'enable') {
        if (!hasPermission(actor, PERMISSIONS.mailing.disable)) return false;
        if (record === undefined) return true;
        return action === 'disable' ? !record.disabledAt : Boolean(record.disabledAt);
      }
      if (actor.isSuperuser) return READ.has(action) || WRITE.has(action) || action === 'sendNow';
      if (READ.has(action) && viewAllMailings) return true;
      if (READ.has(action) || WRITE.has(action) || action === 'sendNow') {
        // the owner may not send a mailing a manager disabled
        if (action === 'sendNow' && record?.disabledAt) return false;
        return owns && isPlainUser(actor);
      }
      return false;
    }

    case 'attempts':
    case 'deliveries':
      if (!READ.has(action)) return false;
      if (actor.isSuperuser || viewAllMailings) return true;
      return owns && isPlainUser(actor);

    case 'users': {
      if (action === 'block' || action === 'unblock') {
        if (!hasPermission(actor, PERMISSIONS.user.block)) return false;
        if (record === undefined) return true;
        if (record.id === actor.id || record.isSuperuser) return false;
        return action === 'block' ? !record.blockedAt : Boolean(record.blockedAt);
      }
      if (actor.isSuperuser) return READ.has(action) || WRITE.has(action);
      if (READ.has(action) && hasPermission(actor, PERMISSIONS.user.viewAll)) return true;
      // everyone sees and edits their own profile
      if (action === 'show' || action === 'edit') return record === undefined || record.id === actor.id;
      return action === 'list';
    }

    case 'groups':
      return actor.isSuperuser && (READ.has(action) || WRITE.has(action));

    case 'blog_posts':
      return hasPermission(actor, PERMISSIONS.blog.manage) && (READ.has(action) || WRITE.has(action));
  }
}

/**
 * A "plain user" works on their own clients, messages and mailings. Staff accounts (a manager, a content
 * manager) only hold the permissions of their role: they keep no recipients of their own.
 */
function isPlainUser(actor: Actor): boolean {
  return !actor.isSuperuser && !hasPermission(actor, PERMISSIONS.mailing.viewAll) && !hasPermission(actor, PERMISSIONS.blog.manage);
}

/** Throws a ForbiddenError when the actor may not do the action. */
export function assertCan(actor: Actor | undefined, action: Action, resource: ResourceName, record?: RecordFacts): void {
  if (!can(actor, action, resource, record)) {
    throw new ForbiddenError(`You are not allowed to ${action} this ${resource.replace(/_/g, ' ').replace(/s$/, '')}.`);
  }
}

const NOTHING: WhereOptions = { id: { [Op.eq]: null } } as WhereOptions;

/**
 * The rows of a resource the actor may list or open, as a Sequelize `where`; every query made for a user is
 * narrowed by it, so a guessed id of another user's record finds nothing.
 */
export function scope(actor: Actor | undefined, resource: ResourceName): WhereOptions {
  if (!actor) return NOTHING;
  if (!can(actor, 'list', resource) && !can(actor, 'show', resource)) return NOTHING;
  const all = actor.isSuperuser;
  const id = Number(actor.id);
  switch (resource) {
    case 'clients':
    case 'messages':
      return all ? {} : { ownerId: id };
    case 'mailings':
      return all || hasPermission(actor, PERMISSIONS.mailing.viewAll) ? {} : { ownerId: id };
    // an attempt keeps its owner (attempts.owner_id): the reports of a deleted mailing stay the owner's
    case 'attempts':
      return all || hasPermission(actor, PERMISSIONS.mailing.viewAll) ? {} : { ownerId: id };
    case 'deliveries':
      return all || hasPermission(actor, PERMISSIONS.mailing.viewAll)
        ? {}
        : { attemptId: { [Op.in]: literal(`(SELECT id FROM attempts WHERE owner_id = ${id})`) } };
    case 'users':
      return all || hasPermission(actor, PERMISSIONS.user.viewAll) ? {} : { id };
    case 'groups':
    case 'blog_posts':
      return {};
  }
}

/** The actor and the name to greet them by, from one query; undefined as for loadActor. */
export async function loadActorProfile(
  models: Pick<Models, 'User' | 'Group'>,
  userId: number,
): Promise<{ actor: Actor; fullName: string; language: string | null; timeZone: string | null } | undefined> {
  if (!Number.isInteger(userId) || userId <= 0) return undefined;
  const user = await models.User.findByPk(userId, { include: [{ model: models.Group, as: 'groups' }] });
  if (!user || user.blockedAt || !user.verifiedAt) return undefined;
  const groups = ((user as unknown as { groups?: Array<{ permissions: string[] }> }).groups ?? []);
  const actor: Actor = {
    id: user.id,
    email: user.email,
    isSuperuser: user.isSuperuser,
    permissions: new Set(groups.flatMap((group) => group.permissions)),
  };
  return { actor, fullName: user.fullName, language: user.language ?? null, timeZone: user.timeZone ?? null };
}

/**
 * The actor for a user id, with the permissions of all their groups; undefined when the user does not exist,
 * is blocked or has not verified their e-mail (such a user has no access at all).
 */
export async function loadActor(models: Pick<Models, 'User' | 'Group'>, userId: number): Promise<Actor | undefined> {
  return (await loadActorProfile(models, userId))?.actor;
}
