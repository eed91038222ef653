import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { projectRoot } from '../src/paths.js';

/** Lints a file written for the test at `relative` (inside the project, so the project's config applies), then removes it. */
async function lintProbe(relative: string, source: string): Promise<ESLint.LintResult> {
  const file = path.join(projectRoot, relative);
  fs.writeFileSync(file, source);
  try {
    const [result] = await new ESLint({ cwd: projectRoot }).lintFiles([file]);
    return result!;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function errors(result: ESLint.LintResult): string[] {
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('the layers, enforced by ESLint', () => {
  const probe = `lint-probe-${process.pid}.ts`;

  it('when a file in src/ imports the back office, the public site, Express or AdminJS, then each import is reported', async function () {
    this.timeout(60_000);
    const result = await lintProbe(
      path.join('src', probe),
      [
        "import { mountAdmin } from '../admin/index.js';",
        "import { mountPublicSite } from '../public-site/index.js';",
        "import express from 'express';",
        "import session from 'express-session';",
        "import AdminJS from 'adminjs';",
        "import { buildRouter } from '@adminjs/express';",
        "export const all = [mountAdmin, mountPublicSite, express, session, AdminJS, buildRouter, import('../admin/auth.js')];",
        '',
      ].join('\n'),
    );
    const found = errors(result);
    expect(found.filter((line) => line.startsWith('no-restricted-imports:')), found.join('\n')).to.have.length(6);
    expect(found.filter((line) => line.startsWith('no-restricted-syntax:')), 'the dynamic import too').to.have.length(1);
    expect(found.join('\n')).to.contain('the back office (admin/) is a layer above');
  });

  it('when a file in src/ imports only the domain, then nothing is reported', async function () {
    this.timeout(60_000);
    const result = await lintProbe(path.join('src', probe), "import { DatabaseError } from './errors.js';\nexport const error = DatabaseError;\n");
    expect(errors(result)).to.deep.equal([]);
  });

  it('when a file of the composition root (src/boot/) imports the back office, the public site and Express, then nothing is reported', async function () {
    this.timeout(60_000);
    const result = await lintProbe(
      path.join('src', 'boot', probe),
      "import { mountAdmin } from '../../admin/index.js';\nimport { mountPublicSite } from '../../public-site/index.js';\nimport express from 'express';\nexport const all = [mountAdmin, mountPublicSite, express];\n",
    );
    expect(errors(result)).to.deep.equal([]);
  });

  it("when the command line's modules in src/boot/ import Express, AdminJS or the back office, then each import is reported (the CLI stays light)", async function () {
    this.timeout(60_000);
    const result = await lintProbe(
      path.join('src', 'boot', `cli-${probe}`),
      "import express from 'express';\nimport AdminJS from 'adminjs';\nexport const all = [express, AdminJS, import('../../admin/index.js')];\n",
    );
    const found = errors(result);
    expect(found.filter((line) => line.startsWith('no-restricted-imports:')), found.join('\n')).to.have.length(2);
    expect(found.filter((line) => line.startsWith('no-restricted-syntax:')), 'the dynamic import too').to.have.length(1);
  });

  it('when the back office imports the public site, or the public site the back office, then it is reported', async function () {
    this.timeout(60_000);
    const fromAdmin = await lintProbe(path.join('admin', probe), "import { mountPublicSite } from '../public-site/index.js';\nexport const m = mountPublicSite;\n");
    expect(errors(fromAdmin)).to.have.length(1);
    expect(errors(fromAdmin)[0]).to.match(/^no-restricted-imports: .*public site/);
    const fromSite = await lintProbe(path.join('public-site', probe), "import { mountAdmin } from '../admin/index.js';\nexport const m = mountAdmin;\n");
    expect(errors(fromSite)).to.have.length(1);
    expect(errors(fromSite)[0]).to.match(/^no-restricted-imports: .*back office/);
  });

  it('when the whole tree is linted, then it has no errors', async function () {
    this.timeout(120_000);
    const results = await new ESLint({ cwd: projectRoot }).lintFiles(['.']);
    const found = results.flatMap((result) => result.messages.map((m) => `${path.relative(projectRoot, result.filePath)}:${m.line} ${m.ruleId}: ${m.message}`));
    expect(found, found.join('\n')).to.deep.equal([]);
  });
});
