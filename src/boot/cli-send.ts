// `cli.js send`: the due runs (as the scheduler makes them), or one mailing now through the one "run now" door.
import type { SingleBar } from 'cli-progress';
import { getConfig } from '../config.js';
import { isOperational } from '../errors.js';
import type { Logger } from '../log.js';
import type { DueResult, ResumeResult } from '../scheduling/planner.js';
import type { RunProgress } from '../sending/run-mailing.js';
import { runMailingNow } from '../sending/run-now.js';
import { openServices } from './services.js';

/** Due runs the command makes side by side, as many as one scheduler makes at once (src/scheduling/scheduler.ts). */
const RUNS_AT_ONCE = 4;

interface ProgressReporter {
  update(p: RunProgress): void;
  /** A line of output (above the bars on a terminal). */
  line(text: string): void;
  /** The run of this attempt is over: its bar goes. */
  done(attemptId: number | undefined): void;
  stop(): void;
}

/**
 * Progress on stdout: a bar per run on a terminal (the bar's module is loaded only then; several runs, several
 * bars), a line per run every second otherwise.
 */
async function progressReporter(out: NodeJS.WriteStream): Promise<ProgressReporter> {
  if (out.isTTY) {
    const { MultiBar, Presets } = await import('cli-progress');
    const bars = new MultiBar({ format: 'mailing {mailing} [{bar}] {value}/{total} sent or failed | {eta_formatted} left', hideCursor: true }, Presets.shades_classic);
    const byAttempt = new Map<number, SingleBar>();
    return {
      update(p) {
        let bar = byAttempt.get(p.attemptId);
        if (!bar) {
          bar = bars.create(p.total, 0, { mailing: p.mailingId });
          byAttempt.set(p.attemptId, bar);
        }
        bar.update(p.sent + p.failed);
      },
      line(text) {
        if (byAttempt.size > 0) bars.log(text);
        else out.write(text);
      },
      done(attemptId) {
        // a finished run keeps its bar, at its final count, until the command ends: removed at once, a short run's
        // bar vanished before it was ever drawn full (the bars are redrawn on a timer)
        const bar = attemptId === undefined ? undefined : byAttempt.get(attemptId);
        bar?.stop();
      },
      stop() {
        bars.stop();
        byAttempt.clear();
      },
    };
  }
  const last = new Map<number, number>();
  return {
    update(p) {
      const now = Date.now();
      if (now - (last.get(p.attemptId) ?? 0) < 1000 && p.sent + p.failed < p.total) return;
      last.set(p.attemptId, now);
      out.write(`mailing ${p.mailingId}: ${p.sent + p.failed}/${p.total} (${p.sent} sent, ${p.failed} failed)\n`);
    },
    line(text) {
      out.write(text);
    },
    done(attemptId) {
      if (attemptId !== undefined) last.delete(attemptId);
    },
    stop() {
      last.clear();
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
  const services = await openServices(getConfig(), {
    log,
    mailOptions: { shareCatcher: true },
    engine: { onProgress: (p) => progress.update(p) },
    // no account service and no metrics: nothing in this process would use them (test/boot/light-cli.test.ts)
    sendingOnly: true,
  });
  const { planner } = services;
  const results: Result[] = [];
  try {
    if (mailingId === undefined) {
      // runs a killed process left unfinished first: they are due since long, and their mailing is not "due"
      for (const resumed of await planner.resumeUnfinished()) {
        if (resumed.outcome.kind === 'skipped') continue;
        results.push(resumed);
        progress.done(resumed.attemptId);
        progress.line(`resumed attempt ${resumed.attemptId}: ${describe(resumed)}\n`);
      }
      const due = await planner.dueMailingIds();
      progress.line(`${due.length} mailing(s) due now\n`);
      // side by side, not one after the other: a small mailing due behind another user's big one starts at once,
      // and the send-rate limit shares its slots between their owners in turn
      const queue = [...due];
      const runNext = async (): Promise<void> => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          const result = await planner.runDue(id, 'cli');
          results.push(result);
          progress.done(result.outcome.kind === 'not-due' ? undefined : result.outcome.attemptId);
          progress.line(`${describe(result)}\n`);
        }
      };
      await Promise.all(Array.from({ length: Math.min(RUNS_AT_ONCE, queue.length) }, runNext));
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
      progress.done(outcome.attemptId);
      progress.line(`${describe(result)}\n`);
    }
  } finally {
    progress.stop();
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
