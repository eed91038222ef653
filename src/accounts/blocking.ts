// Blocking and unblocking a user: the policy decides who may, the user's sessions end and their mailings stop
// (their jobs go, and a run they are sending is cancelled in the transaction of the block).
import { Op } from 'sequelize';
import type { ServiceContext } from '../context.js';
import { can, type Actor } from '../access/policy.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { User } from '../models/index.js';
import { endSessions } from './sessions.js';
import { cancelRuns } from '../sending/cancel-runs.js';

async function target(ctx: ServiceContext, actor: Actor, userId: number, action: 'block' | 'unblock'): Promise<User> {
  const user = await ctx.db.models.User.findByPk(userId);
  if (!user) throw new NotFoundError(`There is no user with id ${userId}.`);
  if (!can(actor, action, 'users')) throw new ForbiddenError(`You are not allowed to ${action} users.`);
  if (user.id === actor.id) throw new ForbiddenError(`You cannot ${action} yourself.`);
  if (user.isSuperuser) throw new ForbiddenError(`A superuser cannot be ${action}ed.`);
  return user;
}

/** Blocks a user (managers and superusers; nobody blocks themselves or a superuser): no login, no sessions, no sends. */
export async function blockUser(ctx: ServiceContext, actor: Actor, userId: number): Promise<User> {
  const user = await target(ctx, actor, userId, 'block');
  if (!user.blockedAt) {
    await ctx.db.sequelize.transaction(async (transaction) => {
      // conditional update, so two managers blocking at once record one of them
      await ctx.db.models.User.update({ blockedAt: new Date(), blockedById: actor.id }, { where: { id: user.id, blockedAt: { [Op.is]: null } }, transaction });
      // the runs the user's mailings are sending stop with the block (spec rule 5)
      await cancelRuns(ctx.db.sequelize, { ownerId: user.id }, { byId: actor.id, reason: `owner blocked by ${actor.email}` }, transaction);
    });
  }
  await endSessions(ctx.db.sequelize, user.id);
  await ctx.mailings.ownerBlocked(user.id);
  return user.reload();
}

/** Lifts a block; the user may log in again and their mailings resume. */
export async function unblockUser(ctx: ServiceContext, actor: Actor, userId: number): Promise<User> {
  const user = await target(ctx, actor, userId, 'unblock');
  if (user.blockedAt) {
    await ctx.db.models.User.update({ blockedAt: null, blockedById: null }, { where: { id: user.id } });
    await ctx.mailings.ownerUnblocked(user.id);
  }
  return user.reload();
}
