// Tells interested parts (the public site's cache) that data behind them changed. The announcements come from the
// model hooks (src/site/change-hooks.ts) for every write through the models; the few domain functions that write
// many rows in one SQL statement (the CSV import, unsubscribes, clearing a bounce) announce their change here.
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
