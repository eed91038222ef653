// Checks shared by the tests of runs across processes: waiting for a state, and counting mails per recipient.
import type { ReceivedMail } from './smtp-test-server.js';

/** Polls `check` every 50 ms until it holds; fails the test after timeoutMs, naming what was awaited. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Mails per recipient, and distinct Message-IDs per recipient (a resend inside the in-flight window keeps its id). */
export function tally(emails: string[], messages: ReceivedMail[]): { raw: Map<string, number>; distinct: Map<string, number> } {
  const raw = new Map(emails.map((e) => [e.toLowerCase(), 0]));
  const ids = new Map(emails.map((e) => [e.toLowerCase(), new Set<string>()]));
  for (const mail of messages) {
    for (const to of mail.envelopeTo) {
      const key = to.toLowerCase();
      if (!raw.has(key)) continue;
      raw.set(key, raw.get(key)! + 1);
      ids.get(key)!.add(mail.headers['message-id'] ?? '');
    }
  }
  return { raw, distinct: new Map([...ids].map(([k, v]) => [k, v.size])) };
}

/** The most timestamps (ms) in any window of `windowMs` (sliding, one window starting at each): a rate check. */
export function mostInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (sorted[j]! <= sorted[i]! - windowMs) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** Polls until the check gives a value (e.g. a row the screens save asynchronously) and returns it; fails after the timeout. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
