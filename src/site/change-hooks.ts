// The one source of change notifications: model hooks announce every write through the models to mailings,
// clients, their links, blog posts and users (the public cache listens; src/boot/services.ts installs them once).
// Domain code that changes these tables writes through the models, not raw SQL, so that it is announced.
import type { ModelStatic, Model } from 'sequelize';
import { dataChanged, type ChangedEntity } from '../events.js';
import type { Models } from '../models/index.js';

const HOOKS = ['afterCreate', 'afterUpdate', 'afterDestroy', 'afterBulkCreate', 'afterBulkUpdate', 'afterBulkDestroy', 'afterUpsert'] as const;
const HOOK_NAME = 'site-data-changed';

type AnyModel = ModelStatic<Model>;

interface WithTransaction {
  transaction?: { afterCommit(fn: () => void): void } | null;
}

/**
 * Announces now, and again once the caller's transaction commits: a reader that refilled the cache
 * between the write and the commit saw the old rows, and must not keep them.
 */
function announce(entity: ChangedEntity, hookArgs: unknown[]): void {
  dataChanged(entity);
  const options = hookArgs[hookArgs.length - 1] as WithTransaction | undefined;
  if (options && typeof options === 'object' && options.transaction && typeof options.transaction.afterCommit === 'function') {
    options.transaction.afterCommit(() => dataChanged(entity));
  }
}

/** Installs the hooks; installing again replaces them (named hooks), so no write is announced twice. */
export function installChangeHooks(models: Pick<Models, 'Mailing' | 'Client' | 'MailingClient' | 'BlogPost' | 'User'>): void {
  const watched: [AnyModel, ChangedEntity][] = [
    [models.Mailing as unknown as AnyModel, 'mailing'],
    [models.Client as unknown as AnyModel, 'client'],
    // a link between a mailing and a client changes the unique-clients figure
    [models.MailingClient as unknown as AnyModel, 'mailing'],
    [models.BlogPost as unknown as AnyModel, 'blogPost'],
    // deleting a user deletes their mailings and clients (ON DELETE CASCADE, which no model hook sees)
    [models.User as unknown as AnyModel, 'user'],
  ];
  for (const [model, entity] of watched) {
    for (const hook of HOOKS) {
      model.removeHook(hook, HOOK_NAME);
      model.addHook(hook, HOOK_NAME, (...args: unknown[]) => announce(entity, args));
    }
  }
}
