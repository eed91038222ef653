// `cli.js worker`: the scheduler alone, on the services every process builds (src/boot/services.ts).
import { getConfig } from '../config.js';
import type { Logger } from '../log.js';
import { openServices } from './services.js';

export async function worker(log: Logger): Promise<number> {
  const services = await openServices(getConfig(), { log, mailOptions: { shareCatcher: true } });
  await services.scheduler.start(services.planner);
  log.info('worker started: waiting for due mailings (Ctrl-C to stop)');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('stopping: runs in progress stop between two mails and stay resumable');
  await services.close();
  log.info('worker stopped cleanly');
  return 0;
}
