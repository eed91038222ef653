// Tells interested parts (the public site's cache) that data behind them changed. The announcements come from ONE
// place, the model hooks (src/site/change-hooks.ts); domain code writes through the models instead of calling
// dataChanged itself. (src/sending still announces 'attempt', which nothing listens to: to be dropped there.)
import { EventEmitter } from 'node:events';

export type ChangedEntity = 'mailing' | 'client' | 'message' | 'blogPost' | 'user' | 'attempt';

const emitter = new EventEmitter();
emitter.setMaxListeners(100);

export function dataChanged(entity: ChangedEntity): void {
  emitter.emit('changed', entity);
}

/** Subscribes to changes; returns the function that unsubscribes. */
export function onDataChanged(listener: (entity: ChangedEntity) => void): () => void {
  emitter.on('changed', listener);
  return () => emitter.off('changed', listener);
}
