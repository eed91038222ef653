// Registry of services a test helper starts once per mocha process (database, servers), stopped at the end.
type Stopper = () => Promise<void>;

// Kept on globalThis: mocha loads the root hooks through require and the test files through import, and tsx can
// then evaluate this module twice; one list must serve both copies, or a copy's services are never stopped.
const REGISTRY = Symbol.for('mailing-service.test.stoppers');
const stoppers: Stopper[] = ((globalThis as Record<symbol, Stopper[]>)[REGISTRY] ??= []);

/** Registers a function that stops a shared service after all tests. */
export function onShutdown(stop: Stopper): void {
  stoppers.push(stop);
}

export async function stopSharedServices(): Promise<void> {
  while (stoppers.length > 0) {
    const stop = stoppers.pop()!;
    await stop().catch((error: unknown) => console.error('stopping a test service failed:', error));
  }
}
