// `cli.js send`: the due runs (as the scheduler makes them), or one mailing now through the one "run now" door.
import type { SingleBar } from 'cli-progress';
import { getConfig } from '../config.js';
import { isOperational } from '../errors.js';
import type { Logger } from '../log.js';
import type { DueResult, ResumeResult } from '../scheduling/planner.js';
import type { RunProgress } from '../sending/run-mailing.js';
import { runMailingNow } from '../sending/run-now.js';
import { openServices } from './services.js';

/** Progress on stdout: a bar per run on a terminal (the bar's module is loaded only then), a line every second otherwise. */
async function progressReporter(out: NodeJS.WriteStream): Promise<{ update(p: RunProgress): void; done(): void }> {
  if (out.isTTY) {
    const { SingleBar, Presets } = await import('cli-progress');
    let bar: SingleBar | undefined;
    let attempt = 0;
    return {
      update(p) {
        if (p.attemptId !== attempt) {
          bar?.stop();
          attempt = p.attemptId;
          bar = new SingleBar({ format: `mailing ${p.mailingId} [{bar}] {value}/{total} sent or failed | {eta_formatted} left`, hideCursor: true }, Presets.shades_classic);
          bar.start(p.total, 0);
        }
        bar?.update(p.sent + p.failed);
      },
      done() {
        bar?.stop();
        bar = undefined;
        attempt = 0;
      },
    };
  }
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 1000 && p.sent + p.failed < p.total) return;
      last = now;
      out.write(`mailing ${p.mailingId}: ${p.sent + p.failed}/${p.total} (${p.sent} sent, ${p.failed} failed)\n`);
    },
    done() {
      last = 0;
    },
  };
}

type Result = Pick<DueResult, 'mailingId' | 'outcome'> | ResumeResult;

function describe(result: Result): string {
  const { outcome } = result;
  switch (outcome.kind) {
    case 'done':
      return `mailing ${result.mailingId}: ${outcome.status}, ${outcome.sent} sent, ${outcome.failed} failed` +
        `${outcome.waiting > 0 && outcome.nextRetryAt ? `, ${outcome.waiting} waiting for a later try (next try at ${outcome.nextRetryAt.toISOString()}; any \`send\` or worker from then on makes it)` : ''}` +
        `${outcome.unknown > 0 ? `, ${outcome.unknown} unknown (not resent)` : ''}` +
        `${outcome.skipped > 0 ? `, ${outcome.skipped} skipped (unsubscribed or bounced)` : ''} of ${outcome.total}` +
        (outcome.failed + outcome.unknown > 0 && outcome.serverResponse ? ` (first error: ${outcome.serverResponse})` : '');
    case 'cancelled':
      return `mailing ${result.mailingId ?? '(deleted)'}: cancelled, ${outcome.reason}; ${outcome.sent} sent before that, of ${outcome.total}`;
    case 'skipped':
    case 'interrupted':
    case 'not-due':
      return `mailing ${result.mailingId}: not sent here, ${outcome.reason}`;
  }
}

export async function send(mailingId: number | undefined, log: Logger): Promise<number> {
  const progress = await progressReporter(process.stdout);
  const services = await openServices(getConfig(), { log, mailOptions: { shareCatcher: true }, engine: { onProgress: (p) => progress.update(p) } });
  const { planner } = services;
  const results: Result[] = [];
  try {
    if (mailingId === undefined) {
      // runs a killed process left unfinished first: they are due since long, and their mailing is not "due"
      for (const resumed of await planner.resumeUnfinished()) {
        if (resumed.outcome.kind === 'skipped') continue;
        results.push(resumed);
        progress.done();
        process.stdout.write(`resumed attempt ${resumed.attemptId}: ${describe(resumed)}\n`);
      }
      const due = await planner.dueMailingIds();
      process.stdout.write(`${due.length} mailing(s) due now\n`);
      for (const id of due) {
        results.push(await planner.runDue(id, 'cli'));
        progress.done();
        process.stdout.write(`${describe(results[results.length - 1]!)}\n`);
      }
    } else {
      let outcome: Result['outcome'];
      try {
        // the same door as the back office's "send now": a new run, or the mailing's interrupted one resumed
        outcome = await (await runMailingNow(services.engine, mailingId, { trigger: 'cli' })).outcome;
      } catch (error) {
        if (!isOperational(error)) throw error;
        process.stderr.write(`${error.message}.\n`);
        return 1;
      }
      const result: Result = { mailingId, outcome };
      results.push(result);
      progress.done();
      process.stdout.write(`${describe(result)}\n`);
    }
  } finally {
    await services.close();
  }
  const done = results.flatMap((r) => (r.outcome.kind === 'done' ? [r.outcome] : []));
  const sent = done.reduce((n, o) => n + o.sent, 0);
  const failed = done.reduce((n, o) => n + o.failed, 0);
  const unknown = done.reduce((n, o) => n + o.unknown, 0);
  const waiting = done.reduce((n, o) => n + o.waiting, 0);
  const notSent = results.length - done.length;
  process.stdout.write(
    `Summary: ${done.length} run(s) made, ${sent} mail(s) sent, ${failed} failed${unknown > 0 ? `, ${unknown} unknown (not resent)` : ''}${waiting > 0 ? `, ${waiting} waiting for a later try` : ''}, ${notSent} mailing(s) not sent by this command\n`,
  );
  const unsentOne = mailingId !== undefined && done.length === 0;
  // a mail the server never confirmed is not "every recipient got the mail", nor one still waiting for a later try
  return failed > 0 || unknown > 0 || waiting > 0 || unsentOne ? 1 : 0;
}
