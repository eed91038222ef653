// What a mailing's record page shows beside its fields: the message's subject, the recipients (all ids as one
// value, a count and the first few by e-mail) and the latest attempts — for a page of mailings in ONE query.
import { QueryTypes, type Sequelize } from 'sequelize';
import { RECIPIENTS_PREVIEWED, type RecipientsPreview } from '../mailings/recipients.js';
import type { AttemptStatus, AttemptTrigger } from '../models/attempt.js';

/** How many attempts a record page lists, newest first. */
export const ATTEMPTS_SHOWN = 5;

export interface AttemptLine {
  attemptedAt: Date;
  status: AttemptStatus;
  trigger: AttemptTrigger;
  recipientsCount: number;
  sentCount: number;
  failedCount: number;
  serverResponse: string | null;
  /** A run waiting for later tries (`retrying`): when the next one is due. */
  nextRetryAt: Date | null;
}

export interface MailingDetail {
  /** Empty when the message is gone. */
  messageSubject: string;
  clientIds: number[];
  recipients: RecipientsPreview;
  latestAttempts: AttemptLine[];
}

interface Row {
  id: number;
  message_subject: string | null;
  client_ids: number[] | null;
  recipients_count: number;
  first_recipients: Array<{ id: number; email: string; fullName: string }>;
  latest_attempts: Array<{
    attempted_at: string;
    status: AttemptStatus;
    trigger: AttemptTrigger;
    recipients_count: number;
    sent_count: number;
    failed_count: number;
    server_response: string | null;
    next_retry_at: string | null;
  }>;
}

/** The details of each mailing id (ids that do not exist are absent), read in one statement whatever their number. */
export async function mailingDetails(
  sequelize: Sequelize,
  mailingIds: readonly number[],
  options: { previewed?: number; attempts?: number } = {},
): Promise<Map<number, MailingDetail>> {
  const details = new Map<number, MailingDetail>();
  if (mailingIds.length === 0) return details;
  const rows = await sequelize.query<Row>(
    `SELECT g.id, m.subject AS message_subject,
            (SELECT array_agg(client_id ORDER BY client_id) FROM mailing_clients WHERE mailing_id = g.id) AS client_ids,
            (SELECT count(*)::int FROM mailing_clients WHERE mailing_id = g.id) AS recipients_count,
            (SELECT coalesce(json_agg(json_build_object('id', f.id, 'email', f.email, 'fullName', f.full_name) ORDER BY lower(f.email), f.id), '[]')
               FROM (SELECT c.id, c.email, c.full_name FROM mailing_clients mc JOIN clients c ON c.id = mc.client_id
                     WHERE mc.mailing_id = g.id ORDER BY lower(c.email), c.id LIMIT $2) f) AS first_recipients,
            (SELECT coalesce(json_agg(a ORDER BY a.attempted_at DESC, a.id DESC), '[]')
               FROM (SELECT id, attempted_at, status, trigger, recipients_count, sent_count, failed_count, server_response, next_retry_at
                     FROM attempts WHERE mailing_id = g.id ORDER BY attempted_at DESC, id DESC LIMIT $3) a) AS latest_attempts
     FROM mailings g LEFT JOIN messages m ON m.id = g.message_id
     WHERE g.id = ANY($1::int[])`,
    { bind: [mailingIds, options.previewed ?? RECIPIENTS_PREVIEWED, options.attempts ?? ATTEMPTS_SHOWN], type: QueryTypes.SELECT },
  );
  for (const row of rows) {
    details.set(Number(row.id), {
      messageSubject: row.message_subject ?? '',
      clientIds: row.client_ids ?? [],
      recipients: { count: row.recipients_count, first: row.first_recipients },
      latestAttempts: row.latest_attempts.map((a) => ({
        attemptedAt: new Date(a.attempted_at),
        status: a.status,
        trigger: a.trigger,
        recipientsCount: a.recipients_count,
        sentCount: a.sent_count,
        failedCount: a.failed_count,
        serverResponse: a.server_response,
        nextRetryAt: a.next_retry_at ? new Date(a.next_retry_at) : null,
      })),
    });
  }
  return details;
}
