// The public site inside the real app (createApp, back office included) on 127.0.0.1, with mail going to a real
// SMTP test server; new passwords are hashed at a low bcrypt cost.
import type { Database } from '../../../src/db/database.js';
import type { PublicSiteOptions } from '../../../public-site/index.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../../helpers/app.js';
import type { SmtpTestServer } from '../../helpers/smtp-test-server.js';

export type SiteApp = TestApp;

export function startSiteApp(
  db: Database,
  options: { smtp?: SmtpTestServer; site?: PublicSiteOptions; accounts?: TestAppOptions['accounts'] } = {},
): Promise<SiteApp> {
  return startTestApp({ db, smtp: options.smtp, accounts: { passwordCost: 4, ...options.accounts }, app: { publicSite: options.site } });
}
