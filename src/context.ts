// What the boot file builds and hands to the web app, the scheduler and the command line.
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { Logger } from './log.js';

export interface ServiceContext {
  readonly config: Config;
  readonly db: Database;
  readonly log: Logger;
}
