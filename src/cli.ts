// Entry point of the command line (`node dist/cli.js`); the commands are src/boot/cli.ts.
import { runCliWhenStarted } from './boot/cli.js';

export { main, parseArgs, UsageError } from './boot/cli.js';

runCliWhenStarted(import.meta.url);
