// User record actions: block / unblock (managers and superusers), through the accounts domain.
import type { ServiceContext } from '../../src/context.js';
import { blockUser, unblockUser } from '../../src/accounts/blocking.js';
import { confirmedAction } from '../features/confirmed-action.js';
import { Components } from '../components/index.js';

export function userActions(ctx: ServiceContext) {
  const deps = { models: ctx.db.models, mailings: ctx.mailings };
  return {
    block: confirmedAction({
      resource: 'users', action: 'block', icon: 'Lock', component: Components.ConfirmAction,
      question: 'Block this user? They are logged out at once and their mailings stop.',
      done: 'The user is blocked.',
      run: (actor, id) => blockUser(deps, actor, id),
    }),
    unblock: confirmedAction({
      resource: 'users', action: 'unblock', icon: 'Unlock', component: Components.ConfirmAction,
      question: 'Unblock this user?',
      done: 'The user is unblocked.',
      run: (actor, id) => unblockUser(deps, actor, id),
    }),
  };
}
