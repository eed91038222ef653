// The mail of one delivery: the run's content, loaded (and its templates compiled) once per run, personalised for
// one recipient (src/messages: subject, HTML and text part, multipart/alternative), then addressed and given its
// unsubscribe link by src/audience/mail-identity.ts (From, To, Reply-To, RFC 8058 headers, the footer).
import { QueryTypes, type Sequelize } from 'sequelize';
import { MailSendError } from '../mail/mail-errors.js';
import type { OutgoingMail } from '../mail/transport.js';
import { personalise, runContent, type RunContent as MessageContent } from '../messages/mail-content.js';
import { mailingAddresser, type MailIdentitySettings, type MailingAddresser, type MailOwner } from '../audience/mail-identity.js';
import { unsubscribeUrl } from '../audience/unsubscribe.js';

/** What every mail of a run shares, read once when the run starts. */
export interface RunContent {
  attemptId: number;
  subject: string;
  body: string;
  /** The message's templates, compiled once for the run. */
  message: MessageContent;
  /** Domain part of the Message-IDs. */
  messageIdDomain: string;
  /** The mailing's owner: the From name, the Reply-To, the owner half of the unsubscribe links. */
  owner: MailOwner;
  identity: MailIdentitySettings;
  /** Addresses each mail of the run (From, To, Reply-To, the unsubscribe link): made once per run. */
  address: MailingAddresser;
}

/** One delivery as the send loop has it (read with its batch). */
export interface Recipient {
  /** The delivery's id (bigint, as text). */
  id: string;
  email: string;
  /** The client's full name at send time ('' when none, null when the client was deleted). */
  fullName: string | null;
  /** The client's comment ({{ comment }}); null when the client was deleted. */
  comment?: string | null;
  /** The client (null when it was deleted after the snapshot: its mail then has no unsubscribe link to carry). */
  clientId: number | null;
}

/** Loads the run's content; undefined when the mailing (or its message) no longer exists. */
export async function loadRunContent(
  sequelize: Sequelize,
  run: { attemptId: number; mailingId: number; messageIdDomain: string; identity: MailIdentitySettings },
): Promise<RunContent | undefined> {
  const [row] = await sequelize.query<{ subject: string; body: string; html: string | null; owner_id: number; email: string; full_name: string; sender_name: string }>(
    `SELECT m.subject, m.body, m.html, u.id AS owner_id, u.email, u.full_name, u.sender_name
     FROM mailings g JOIN messages m ON m.id = g.message_id JOIN users u ON u.id = g.owner_id WHERE g.id = $1`,
    { bind: [run.mailingId], type: QueryTypes.SELECT },
  );
  if (!row) return undefined;
  const owner: MailOwner = { id: row.owner_id, email: row.email, fullName: row.full_name, senderName: row.sender_name };
  return {
    attemptId: run.attemptId,
    subject: row.subject,
    body: row.body,
    message: runContent(row),
    messageIdDomain: run.messageIdDomain,
    owner,
    identity: run.identity,
    address: mailingAddresser(run.identity, owner),
  };
}

/**
 * The mail of one delivery. Its Message-ID is derived from the delivery and attempt ids, so a mail sent again
 * after a crash (at-least-once window, see run-mailing.ts) carries the same one and the receiver can recognise it.
 * A template that fails for this recipient (its render limit) is a permanent failure of this delivery only.
 */
export function buildMail(content: RunContent, recipient: Recipient): OutgoingMail {
  let parts: { subject: string; text: string; html?: string };
  // the same link the footer and the List-Unsubscribe header carry, made once (an HMAC) for both; the addresser leaves out a second footer
  let unsubscribe = '';
  try {
    if (recipient.clientId !== null) unsubscribe = unsubscribeUrl(content.identity, recipient.clientId, content.owner.id);
    parts = personalise(content.message, { name: recipient.fullName, email: recipient.email, comment: recipient.comment ?? null }, unsubscribe);
  } catch (error) {
    throw new MailSendError(`Not sent: the message could not be personalised for this recipient (${(error as Error).message})`, { temporary: false, code: 'ETEMPLATE', cause: error });
  }
  const mail: OutgoingMail = {
    to: recipient.email,
    subject: parts.subject,
    text: parts.text,
    headers: { 'Message-ID': `<delivery-${recipient.id}.attempt-${content.attemptId}@${content.messageIdDomain}>` },
  };
  if (parts.html !== undefined) mail.html = parts.html;
  return content.address({ clientId: recipient.clientId, email: recipient.email, fullName: recipient.fullName ?? '' }, mail, recipient.clientId !== null ? unsubscribe : undefined);
}
