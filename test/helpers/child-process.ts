// Runs the service's entry points (src/cli.ts, the test worker) as real child processes and collects their output.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/paths.js';

export interface Child {
  process: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** Resolves when the output contains the text. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
}

export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', APP_TIMEZONE: 'UTC', MAIL_FROM: 'Mailing Service <no-reply@mailing.test>', ...env };
}

/** Starts `node --import tsx <script> ...args` in the project root. */
export function startChild(script: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, script), ...args], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    process: child,
    output: () => text,
    exited,
    waitFor(wanted, timeoutMs = 15_000) {
      const matches = (): boolean => (typeof wanted === 'string' ? text.includes(wanted) : wanted.test(text));
      if (matches()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`child did not print ${String(wanted)} within ${timeoutMs} ms; output:\n${text}`));
        }, timeoutMs);
        const check = (): void => {
          if (!matches()) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
        void exited.then(() => {
          if (!listeners.has(check)) return;
          clearTimeout(timer);
          listeners.delete(check);
          if (matches()) resolve();
          else reject(new Error(`child exited before printing ${String(wanted)}; output:\n${text}`));
        });
      });
    },
  };
}

/** SIGKILLs the children still running (a test that failed halfway) and waits for every one to exit. */
export async function killAll(children: Child[]): Promise<void> {
  for (const child of children) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await child.exited;
  }
}

/** Runs the CLI to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | string; output: string }> {
  const child = startChild('src/cli.ts', args, env);
  const code = await child.exited;
  return { code, output: child.output() };
}
