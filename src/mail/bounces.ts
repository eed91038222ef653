// The one place that reads a mail server's refusal of a recipient and says whether the address does not exist (a
// hard bounce: the client is marked `bounced` and later runs skip it) or something else (never marked).
//
// The rules, in order (docs/product.md, "Bounces"):
//   1. Not a 5xx (a 4xx, or no reply at all), or a 5xx whose enhanced code is 4.x.x: temporary, never marked.
//   2. About us, not the address (our sender refused, relaying or login refused): `policy`.
//   3. The enhanced codes of a bad destination address (5.1.0, 5.1.1, 5.1.2, 5.1.3, 5.1.6, 5.1.10), or a text that
//      says the user does not exist (Postfix "User unknown", Exim "Unrouteable address", Yandex "No such user!",
//      Mail.ru "user not found", Exchange "RecipientNotFound", Gmail "does not exist"), or that the account is
//      disabled: `no-such-address`, marked.
//   4. A full mailbox (5.2.2, "over quota", "mailbox full"): `mailbox-full`, not marked (the address exists).
//   5. Spam, reputation, block lists, content, authentication (5.7.x and their words): `policy`, not marked (the
//      refusal is of the mail or of us; marking would silently drop a real recipient).
//   6. What is left with the generic "mailbox unavailable" / "invalid mailbox" (Outlook.com's answer for an
//      unknown address), or Exchange's "5.4.1 Recipient address rejected: Access denied": `no-such-address`.
//   7. Any other 5xx: `other-permanent`, not marked.

export type BounceKind = 'no-such-address' | 'mailbox-full' | 'policy' | 'other-permanent' | 'temporary';

export interface BounceVerdict {
  kind: BounceKind;
  /** True only for `no-such-address`: the client is marked bounced and skipped until the owner clears it. */
  marksClient: boolean;
}

/** The RFC 3463 enhanced code right after the reply code ("550 5.1.1", "550-5.1.1"), or at the start of a line. */
const ENHANCED = /(?:^|\n)\s*(?:\d{3}[ -])?([245])\.(\d{1,3})\.(\d{1,3})(?=[\s;:,.]|$)/;

const ABOUT_US: readonly RegExp[] = [
  /sender (?:verify|verification) failed/i,
  /sender address rejected/i,
  /relay(?:ing)? (?:access )?denied/i,
  /relay not permitted/i,
  /authentication (?:required|failed)/i,
];

const NO_SUCH_ADDRESS: readonly RegExp[] = [
  /user ?unknown|unknown user|unknown recipient|recipient unknown/i,
  /no such (?:user|mailbox|recipient|address|account)/i,
  /(?:user|mailbox|recipient|address|account) (?:was )?not found/i,
  /recipientnotfound/i,
  /does ?n[o']t exist/i,
  /unrouteable address/i,
  /invalid (?:recipient|user|address)/i,
  /no mailbox (?:here|by that name)/i,
  /(?:account|mailbox) (?:is |has been )?(?:disabled|deactivated|inactive)/i,
  /(?:account|mailbox) that you tried to reach is disabled/i,
];

const MAILBOX_FULL: readonly RegExp[] = [
  /mailbox (?:is )?full/i,
  /over ?quota|quota exceeded|exceeded (?:its |the )?(?:storage|quota)/i,
  /quotaexceeded/i,
  /insufficient (?:system )?storage/i,
  /mailbox size limit exceeded/i,
];

const POLICY: readonly RegExp[] = [
  /spam|unsolicited|junk/i,
  /block ?list|black ?list|blocked|listed (?:at|in|on|by)|dnsbl|spamhaus|rbl/i,
  /reputation|policy|rejected (?:for|due to|under)|suspicion/i,
  /unauthenticated|dmarc|spf|dkim/i,
  /content|virus|malware/i,
];

const WEAK_NO_SUCH_ADDRESS: readonly RegExp[] = [/mailbox unavailable/i, /invalid mailbox/i, /mailbox (?:is )?unavailable/i];

const HARD_ENHANCED: ReadonlySet<string> = new Set(['1.0', '1.1', '1.2', '1.3', '1.6', '1.10']);

const matches = (patterns: readonly RegExp[], text: string): boolean => patterns.some((pattern) => pattern.test(text));

function verdict(kind: BounceKind): BounceVerdict {
  return { kind, marksClient: kind === 'no-such-address' };
}

/**
 * What a refusal of one recipient means for that client. `responseCode` is the SMTP reply code; `response` the
 * server's text as it came (with or without the code in front). Pure; never throws.
 */
export function classifyBounce(responseCode: number | null | undefined, response: string | null | undefined): BounceVerdict {
  const text = (response ?? '').replace(/\r\n?/g, '\n');
  const given = typeof responseCode === 'number' && responseCode >= 200 && responseCode <= 599 ? responseCode : undefined;
  const code = given ?? Number(/^\s*(\d{3})[ -]/.exec(text)?.[1] ?? NaN);
  if (!(code >= 500 && code <= 599)) return verdict('temporary');
  const enhanced = ENHANCED.exec(text);
  if (enhanced && enhanced[1] === '4') return verdict('temporary');
  const detail = enhanced ? `${enhanced[2]}.${enhanced[3]}` : undefined;

  if (matches(ABOUT_US, text) || detail === '1.7' || detail === '1.8') return verdict('policy');
  if ((detail !== undefined && HARD_ENHANCED.has(detail)) || matches(NO_SUCH_ADDRESS, text)) return verdict('no-such-address');
  if (detail === '2.2' || matches(MAILBOX_FULL, text)) return verdict('mailbox-full');
  if (detail?.startsWith('7.') || matches(POLICY, text)) return verdict('policy');
  if (matches(WEAK_NO_SUCH_ADDRESS, text) || (detail === '4.1' && /recipient address rejected/i.test(text))) return verdict('no-such-address');
  return verdict('other-permanent');
}

/** True when the refusal means the address does not exist: the client is to be marked bounced. */
export function isHardBounce(responseCode: number | null | undefined, response: string | null | undefined): boolean {
  return classifyBounce(responseCode, response).marksClient;
}
