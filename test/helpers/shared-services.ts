// Registry of services a test helper starts once per mocha process (database, servers), stopped at the end.
type Stopper = () => Promise<void>;

const stoppers: Stopper[] = [];

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
