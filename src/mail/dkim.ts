// DKIM: the signing settings the transport uses (nodemailer's signer) and the DNS record that publishes the key.
import crypto from 'node:crypto';

export interface DkimSettings {
  /** The signing domain (d=), the domain of the From address or a parent of it. */
  domainName: string;
  /** The selector (s=): the record lives at <selector>._domainkey.<domain>. */
  keySelector: string;
  /** The private key, PEM. */
  privateKey: string;
}

/**
 * The headers signed. From and Subject, and the unsubscribe headers (RFC 8058 requires List-Unsubscribe and
 * List-Unsubscribe-Post to be covered by a DKIM signature for one-click unsubscribe), with the usual others.
 */
export const DKIM_SIGNED_HEADERS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type',
  'Content-Transfer-Encoding', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Id',
].join(':');

/** The problem with a private key, or undefined when it can sign (RSA of 1024 bits or more, or Ed25519). */
export function dkimKeyProblem(pem: string): string | undefined {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(pem);
  } catch (error) {
    return `is not a readable private key in PEM format (${(error as Error).message})`;
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits >= 1024 ? undefined : `is an RSA key of ${bits} bits: DKIM verifiers want 1024 or more (2048 recommended)`;
  }
  if (key.asymmetricKeyType === 'ed25519') return undefined;
  return `is a ${key.asymmetricKeyType ?? 'unknown'} key: DKIM signs with RSA or Ed25519`;
}

/** The TXT record to publish: its name, and its value split in strings of at most 255 characters (DNS limit). */
export function dkimDnsRecord(settings: DkimSettings): { name: string; value: string; zoneLine: string } {
  const key = crypto.createPublicKey(crypto.createPrivateKey(settings.privateKey));
  const ed25519 = key.asymmetricKeyType === 'ed25519';
  // RSA: the SubjectPublicKeyInfo; Ed25519: the raw 32-byte key (RFC 8463)
  const der = key.export({ type: 'spki', format: 'der' });
  const publicKey = (ed25519 ? der.subarray(der.length - 32) : der).toString('base64');
  const value = `v=DKIM1; k=${ed25519 ? 'ed25519' : 'rsa'}; p=${publicKey}`;
  const name = `${settings.keySelector}._domainkey.${settings.domainName}`;
  const strings = value.match(/.{1,255}/g)!.map((part) => `"${part}"`).join(' ');
  return { name, value, zoneLine: `${name}. IN TXT ( ${strings} )` };
}

/** What `cli.js dkim-record` prints: the record, and how to publish and check it. */
export function dkimRecordText(settings: DkimSettings): string {
  const record = dkimDnsRecord(settings);
  return [
    `Publish this TXT record in the DNS zone of ${settings.domainName}:`,
    '',
    `  name:  ${record.name}`,
    `  type:  TXT`,
    `  value: ${record.value}`,
    '',
    'As a zone-file line (long values are split into strings of at most 255 characters):',
    '',
    `${record.zoneLine}`,
    '',
    `Check it once published: dig +short TXT ${record.name}`,
    '',
  ].join('\n');
}
