// The public pages' in-memory LRU cache: home statistics and published posts, with a time-to-live, emptied on changes.
import { LRUCache } from 'lru-cache';
import { onDataChanged, type ChangedEntity } from '../src/events.js';

export interface SiteCacheOptions {
  /** How long an entry may be served without asking the database (ms). 0 turns the cache off. */
  ttlMs?: number;
  /** Most entries kept (the home figures, the home post pool, each blog list page). */
  max?: number;
}

// changes that alter a figure or a post list; deleting a user cascades to their mailings and clients
const RELEVANT: ReadonlySet<ChangedEntity> = new Set(['mailing', 'client', 'blogPost', 'user']);

export interface SiteCache {
  /** The cached value, or the loader's (stored for at most ttlMs, or less when the loader says so). */
  get<T extends object>(key: string, load: () => Promise<{ value: T; ttlMs?: number }>): Promise<T>;
  clear(): void;
  readonly size: number;
  /** False when the time-to-live is 0 (benchmarks, debugging): every get() loads. */
  readonly enabled: boolean;
  /** Stops listening to data changes. */
  close(): void;
}

export function createSiteCache(options: SiteCacheOptions = {}): SiteCache {
  const ttl = options.ttlMs ?? 60_000;
  const cache = new LRUCache<string, object>({ max: Math.max(1, options.max ?? 100), ttl: Math.max(1, ttl) });
  // a refill that started before a change must not store what it read before it
  let generation = 0;
  const inflight = new Map<string, Promise<object>>();
  const unsubscribe = onDataChanged((entity) => {
    if (!RELEVANT.has(entity)) return;
    generation += 1;
    cache.clear();
    inflight.clear();
  });

  return {
    async get<T extends object>(key: string, load: () => Promise<{ value: T; ttlMs?: number }>): Promise<T> {
      if (ttl <= 0) return (await load()).value;
      const hit = cache.get(key);
      if (hit !== undefined) return hit as T;
      // concurrent misses share one load (no stampede on the database after an invalidation)
      const pending = inflight.get(key);
      if (pending) return pending as Promise<T>;
      const startedAt = generation;
      const promise = load().then(({ value, ttlMs }) => {
        if (generation === startedAt) cache.set(key, value, { ttl: Math.max(1, Math.min(ttl, ttlMs ?? ttl)) });
        return value;
      });
      inflight.set(key, promise);
      try {
        return await promise;
      } finally {
        if (inflight.get(key) === promise) inflight.delete(key);
      }
    },
    clear() {
      cache.clear();
    },
    get size() {
      return cache.size;
    },
    enabled: ttl > 0,
    close() {
      unsubscribe();
    },
  };
}
