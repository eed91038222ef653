// The mail of one delivery: the run's content, loaded once per run, put together with one recipient.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { OutgoingMail } from '../mail/transport.js';

/** What every mail of a run shares, read once when the run starts. */
export interface RunContent {
  attemptId: number;
  subject: string;
  body: string;
  /** Domain part of the Message-IDs. */
  messageIdDomain: string;
}

/** One delivery as the send loop has it (read with its batch). */
export interface Recipient {
  /** The delivery's id (bigint, as text). */
  id: string;
  email: string;
  /** The client's full name at send time ('' when none, null when the client was deleted). */
  fullName: string | null;
}

/** Loads the run's content; undefined when the mailing (or its message) no longer exists. */
export async function loadRunContent(
  sequelize: Sequelize,
  run: { attemptId: number; mailingId: number; messageIdDomain: string },
): Promise<RunContent | undefined> {
  const [row] = await sequelize.query<{ subject: string; body: string }>(
    'SELECT m.subject, m.body FROM mailings g JOIN messages m ON m.id = g.message_id WHERE g.id = $1',
    { bind: [run.mailingId], type: QueryTypes.SELECT },
  );
  if (!row) return undefined;
  return { attemptId: run.attemptId, subject: row.subject, body: row.body, messageIdDomain: run.messageIdDomain };
}

/**
 * The mail of one delivery. Its Message-ID is derived from the delivery and attempt ids, so a mail sent again
 * after a crash (at-least-once window, see run-mailing.ts) carries the same one and the receiver can recognise it.
 */
export function buildMail(content: RunContent, recipient: Recipient): OutgoingMail {
  return {
    to: recipient.email,
    subject: content.subject,
    text: content.body,
    headers: { 'Message-ID': `<delivery-${recipient.id}.attempt-${content.attemptId}@${content.messageIdDomain}>` },
  };
}
