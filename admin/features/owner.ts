// Owned records (clients, messages, mailings): the owner is the logged-in user, set on create, never edited.
import type { Actor } from '../../src/access/policy.js';

export const ownerFromSession = (actor: Actor): { ownerId: number } => ({ ownerId: actor.id });

/** Properties every owned resource shows read-only and never takes from a form. */
export const ownerProperty = {
  ownerId: { isVisible: { list: false, filter: false, show: true, edit: false }, reference: 'users' as const },
};
