// Runs the operator's sequelize-cli commands (as `npx sequelize …` would) against a chosen database.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/paths.js';

export interface CliResult {
  code: number | null;
  output: string;
}

export function runSequelizeCli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  if (!fs.existsSync(path.join(projectRoot, 'dist', 'src', 'db', 'cli-connection.js'))) {
    throw new Error('sequelize-cli needs the compiled service: run `npm run build` (npm test does) before this test');
  }
  const bin = path.join(projectRoot, 'node_modules', 'sequelize-cli', 'lib', 'sequelize');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: projectRoot, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
