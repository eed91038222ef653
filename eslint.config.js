// ESLint (flat config), run by `npm test`: a small rule set, and the import boundaries between the layers.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** An import (static `import`/`export … from`, or dynamic `import()`) of a module whose name matches `regex`. */
function forbid(regex, message) {
  return { regex, message };
}

const BACK_OFFICE = forbid('(^|/)admin(/|$)', 'the back office (admin/) is a layer above: pass what it needs in from the caller.');
const PUBLIC_SITE = forbid('(^|/)public-site(/|$)', 'the public site (public-site/) is a layer above: pass what it needs in from the caller.');
const EXPRESS = forbid('^express($|[-/])', 'src/ is the domain and knows nothing of HTTP: Express belongs to admin/, public-site/ and src/boot/app.ts.');
const ADMINJS = forbid('^(adminjs|@adminjs/)', 'src/ is the domain and knows nothing of AdminJS: it belongs to admin/.');

/** `no-restricted-imports` for static imports, `no-restricted-syntax` for `import('…')`, with the same patterns. */
function boundary(...patterns) {
  return {
    'no-restricted-imports': ['error', { patterns }],
    'no-restricted-syntax': [
      'error',
      ...patterns.map(({ regex, message }) => ({
        selector: `ImportExpression > Literal[value=/${regex.replaceAll('/', '\\/')}/]`,
        message: `Forbidden import: ${message}`,
      })),
    ],
  };
}

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', '.data/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // flags `let { a, b } = x` whose parts every branch reassigns (src/scheduling/next-run.ts), which reads well
      'no-useless-assignment': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // chai's property assertions (`expect(x).to.exist`) are expressions
      '@typescript-eslint/no-unused-expressions': 'off',
      // JSON bodies of the back office's API, read field by field in assertions
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },

  // The layers. src/ is the domain: it never reaches up into the web layers nor into Express or AdminJS.
  {
    files: ['src/**/*.ts'],
    // src/boot/ is the composition root, which wires the domain into the web layers (src/boot/app.ts mounts them).
    ignores: ['src/boot/**'],
    rules: boundary(BACK_OFFICE, PUBLIC_SITE, EXPRESS, ADMINJS),
  },
  // Inside the composition root, what the command line loads stays light: the services and the commands never
  // import the web layers (only src/boot/app.ts and src/boot/server.ts do; test/boot/light-cli.test.ts checks a run).
  {
    files: ['src/boot/services.ts', 'src/boot/cli*.ts', 'src/boot/health.ts'],
    rules: boundary(BACK_OFFICE, PUBLIC_SITE, EXPRESS, ADMINJS),
  },
  // The back office and the public site are siblings: neither imports the other (shared code goes to src/).
  { files: ['admin/**/*.ts', 'admin/**/*.tsx'], rules: boundary(PUBLIC_SITE) },
  { files: ['public-site/**/*.ts'], rules: boundary(BACK_OFFICE) },
);
