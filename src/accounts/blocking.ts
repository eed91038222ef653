// Blocking and unblocking a user: the policy decides who may, the user's sessions end and their mailings stop
// (their jobs go, and a run they are sending is cancelled in the transaction of the block).
import { Op } from 'sequelize';
import { can, type Actor } from '../access/policy.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { Models, User } from '../models/index.js';
import type { MailingService } from '../mailings/mailing-service.js';
import { endSessions } from './sessions.js';
import { cancelRuns } from '../sending/cancel-runs.js';

export interface BlockingDeps {
  models: Pick<Models, 'User' | 'sequelize'>;
  /** The user's mailings lose their jobs on a block and get them back on an unblock. */
  mailings: Pick<MailingService, 'ownerBlocked' | 'ownerUnblocked'>;
}

async function target(deps: BlockingDeps, actor: Actor, userId: number, action: 'block' | 'unblock'): Promise<User> {
  const user = await deps.models.User.findByPk(userId);
  if (!user) throw new NotFoundError(`There is no user with id ${userId}.`);
  if (!can(actor, action, 'users')) throw new ForbiddenError(`You are not allowed to ${action} users.`);
  if (user.id === actor.id) throw new ForbiddenError(`You cannot ${action} yourself.`);
  if (user.isSuperuser) throw new ForbiddenError(`A superuser cannot be ${action}ed.`);
  return user;
}

/** Blocks a user (managers and superusers; nobody blocks themselves or a superuser): no login, no sessions, no sends. */
export async function blockUser(deps: BlockingDeps, actor: Actor, userId: number): Promise<User> {
  const user = await target(deps, actor, userId, 'block');
  const { sequelize } = deps.models;
  if (!user.blockedAt) {
    await sequelize.transaction(async (transaction) => {
      // conditional update, so two managers blocking at once record one of them
      await deps.models.User.update({ blockedAt: new Date(), blockedById: actor.id }, { where: { id: user.id, blockedAt: { [Op.is]: null } }, transaction });
      // the runs the user's mailings are sending stop with the block (spec rule 5)
      await cancelRuns(sequelize, { ownerId: user.id }, { byId: actor.id, reason: `owner blocked by ${actor.email}` }, transaction);
    });
  }
  await endSessions(sequelize, user.id);
  await deps.mailings.ownerBlocked(user.id);
  return user.reload();
}

/** Lifts a block; the user may log in again and their mailings resume. */
export async function unblockUser(deps: BlockingDeps, actor: Actor, userId: number): Promise<User> {
  const user = await target(deps, actor, userId, 'unblock');
  if (user.blockedAt) {
    await deps.models.User.update({ blockedAt: null, blockedById: null }, { where: { id: user.id } });
    await deps.mailings.ownerUnblocked(user.id);
  }
  return user.reload();
}
