// The mailing services (domain functions, planner, Agenda job store) on the test database and SMTP test server.
import type { Database } from '../../src/db/database.js';
import { silentLogger } from '../../src/log.js';
import type { MailService } from '../../src/mail/index.js';
import type { MailTransport } from '../../src/mail/transport.js';
import { startMailingServices, type MailingServices, type MailingServicesOptions } from '../../src/mailings/start-mailings.js';
import { FAST_RETRY, TEST_IDENTITY } from './mailing-fixtures.js';

export function testMailingServices(
  db: Database,
  transport: MailTransport,
  options: Partial<Pick<MailingServicesOptions, 'clock' | 'engine' | 'scheduler'>> & { timeZone?: string } = {},
): MailingServices {
  const mail: MailService = { transport, close: () => transport.close() };
  return startMailingServices({
    config: { mongodbUrl: undefined, appTimezone: options.timeZone ?? 'UTC', ...TEST_IDENTITY },
    db,
    mail,
    log: silentLogger,
    clock: options.clock,
    engine: { retry: FAST_RETRY, concurrency: 3, ...options.engine },
    scheduler: { processEveryMs: 200, resumeEveryMs: 500, ...options.scheduler },
  });
}
