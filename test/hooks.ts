// Mocha root hooks: shared services started lazily by helpers are stopped once, after every test file.
import { stopSharedServices } from './helpers/shared-services.js';

process.env.NODE_ENV ??= 'test';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopSharedServices();
  },
};
