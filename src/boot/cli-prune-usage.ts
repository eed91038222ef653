// The help text of `cli.js prune`, apart from the command so the CLI's command table loads no database code.
export const PRUNE_USAGE = `Usage: node dist/cli.js prune

Deletes the delivery rows of runs that ended more than DELIVERY_RETENTION_DAYS days ago (default 180), in
batches of 5,000 with a pause between two; each run keeps its counts and first server answer. The scheduler
does the same every day at 03:30 (APP_TIMEZONE); this command does it now. Exit code 0 when done.`;
