// The send loop: `concurrency` lanes take deliveries from the batches and hand each mail to the transport, trying a
// temporary failure again after the retry policy's wait, and recording what became of each mail (write-behind).
import { classifyMailError } from '../mail/mail-errors.js';
import type { MailTransport } from '../mail/transport.js';
import { buildMail, type RunContent } from './build-mail.js';
import type { DeliveryBatches, DeliveryRow } from './delivery-batches.js';
import type { RetryPolicy } from './retry-policy.js';
import type { RunWatch } from './watch.js';
import type { ResultWriter } from './write-behind.js';

/** Failures of the server as a whole (not of one mail): unreachable, or refusing our login. */
const SERVER_WIDE_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EDNS', 'EAUTH']);

export interface SendLoopOptions {
  transport: MailTransport;
  content: RunContent;
  batches: DeliveryBatches;
  writer: ResultWriter;
  watch: RunWatch;
  retry: RetryPolicy;
  concurrency: number;
}

/** Sends every delivery of the batches, or until the run is halted; rejects when reading a batch fails. */
export async function sendAll(options: SendLoopOptions): Promise<void> {
  const { batches, watch } = options;
  const deliver = deliverer(options);
  const lanes = Array.from({ length: options.concurrency }, async () => {
    while (!watch.halted()) {
      const row = batches.take();
      if (row) {
        await deliver(row);
        continue;
      }
      if (batches.done) break;
      await batches.more();
    }
  });
  await Promise.all(lanes);
}

/**
 * One recipient, with retries of temporary failures. A server that refuses connections or logins refuses them for
 * everyone: once one recipient has used up its tries on such an error, the others are failed with the same answer
 * instead of each waiting through its own backoff (10,000 recipients × 40 s would keep the run going for hours).
 */
function deliverer(options: SendLoopOptions): (row: DeliveryRow) => Promise<void> {
  const { transport, content, writer, watch, retry } = options;
  let outage: { code: number | null; response: string } | undefined;
  return async (row) => {
    let tries = row.tries;
    for (;;) {
      // a stopped run sends nothing more: the row stays as marked (`cancelled`, or `sending` for the next holder)
      if (watch.halted()) return;
      if (outage) {
        writer.record({ id: row.id, status: 'failed', tries, code: outage.code, response: outage.response, sentAt: null });
        return;
      }
      tries += 1;
      try {
        const info = await transport.send(buildMail(content, row));
        writer.record({ id: row.id, status: 'sent', tries, code: info.responseCode ?? null, response: info.response || null, sentAt: new Date() });
        return;
      } catch (raw) {
        const error = classifyMailError(raw);
        // the message went out and no verdict came: it may have been accepted, so it is never sent again
        if (error.unknownOutcome) {
          writer.record({ id: row.id, status: 'unknown', tries, code: null, response: error.message.slice(0, 2000), sentAt: null });
          return;
        }
        const triesThisRun = tries - row.tries;
        if (error.temporary && triesThisRun < retry.maxTries && !watch.leaseLost) {
          await sleep(retry.delayMs(triesThisRun + 1));
          continue;
        }
        const response = (error.response ?? error.message).slice(0, 2000);
        if (error.code !== undefined && SERVER_WIDE_CODES.has(error.code)) {
          outage ??= { code: error.responseCode ?? null, response: `not tried: the mail server failed for every recipient: ${response}`.slice(0, 2000) };
        }
        writer.record({ id: row.id, status: 'failed', tries, code: error.responseCode ?? null, response, sentAt: null });
        return;
      }
    }
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
