// The personalisation of a message: Liquid templates (liquidjs), sandboxed for text written by users.
//
// Why liquidjs: it is built for templates written by untrusted people (Shopify's language): no code, no access to
// the process, only the variables handed to it. On top of its sandbox we: refuse unknown filters and variables
// (strictFilters / strictVariables), read only own properties (ownPropertyOnly: no `name.constructor`), give it
// no file system (no root, no partials, and include / render / layout refused as tags), and bound rendering time
// and memory per mail. The variables a message may use are checked when it is saved (static analysis of the
// parsed template), not when it is sent.
import { createRequire } from 'node:module';
import type { Liquid, Template, TagToken, TopLevelToken, Context, Emitter } from 'liquidjs';

/**
 * liquidjs, loaded on first use: sending a message of simple templates (see simpleRenderer) never needs it, so
 * `cli.js send` does not load it (test/boot/light-cli.test.ts). Synchronous (its CommonJS build, the one an
 * import of 'liquidjs' resolves to as well), because compiling a template is.
 */
let liquidjs: typeof import('liquidjs') | undefined;
const loadLiquidjs = (): typeof import('liquidjs') => (liquidjs ??= createRequire(import.meta.url)('liquidjs') as typeof import('liquidjs'));

/** The variables a message may use, in the order the back office lists them. */
export const TEMPLATE_VARIABLES = ['name', 'email', 'comment', 'unsubscribe_url'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateData = Record<TemplateVariable, string>;

/** Tags that read other templates (files): refused when a template is parsed. */
const FILE_TAGS = ['include', 'render', 'layout', 'block'] as const;

/** What is wrong with a template, for the person who wrote it (the back office words it in their language). */
export type TemplateProblem =
  | { code: 'syntax'; line: number; reason: string }
  | { code: 'unknownVariable'; line: number; name: string }
  | { code: 'forbiddenTag'; line: number; name: string }
  /** Rendering it once took longer than SAVE_RENDER_LIMIT_MS, or more memory than allowed (a loop of millions). */
  | { code: 'tooCostly'; reason: string };

export class TemplateProblemError extends Error {
  constructor(readonly problem: TemplateProblem) {
    super(describeProblem(problem));
    this.name = 'TemplateProblemError';
  }
}

/** The problem in English (logs, the CLI; the back office translates from the code). */
export function describeProblem(problem: TemplateProblem): string {
  switch (problem.code) {
    case 'syntax':
      return `line ${problem.line}: ${problem.reason}`;
    case 'unknownVariable':
      return `line ${problem.line}: unknown variable "${problem.name}" (use ${TEMPLATE_VARIABLES.join(', ')})`;
    case 'forbiddenTag':
      return `line ${problem.line}: the tag "${problem.name}" is not allowed in a message`;
    case 'tooCostly':
      return `rendering it for one recipient costs too much (${problem.reason})`;
  }
}

function refusedTag(name: string): Parameters<Liquid['registerTag']>[1] {
  return class extends loadLiquidjs().Tag {
    constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
      super(token, remainTokens, liquid);
      throw new TemplateProblemError({ code: 'forbiddenTag', line: token.getPosition()[0], name });
    }
    *render(_ctx: Context, _emitter: Emitter): Generator<unknown, void, unknown> {
      // never reached: the constructor refuses the tag when it is parsed
    }
  };
}

/** A Liquid engine with the sandbox above; `escapeOutput` for HTML (a name "<b>" is shown, not rendered). */
function engine(escapeOutput: boolean): Liquid {
  const liquid = new (loadLiquidjs().Liquid)({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    root: [],
    partials: [],
    layouts: [],
    relativeReference: false,
    dynamicPartials: false,
    jsTruthy: false,
    cache: false,
    outputEscape: escapeOutput ? 'escape' : undefined,
    // a loop of millions per mail would hold the send loop: bounded in memory (what ranges and strings take, a
    // deterministic count) and, as a backstop, in time. The time limit is wall-clock (a GC pause or a starved CPU
    // counts), so the send-time one is generous; a template is tried under a tight one when saved instead.
    renderLimit: SEND_RENDER_LIMIT_MS,
    memoryLimit: 10_000_000,
    parseLimit: PARSE_LIMIT,
  });
  for (const tag of FILE_TAGS) liquid.registerTag(tag, refusedTag(tag));
  return liquid;
}

/** Liquid's bound on a template's length: a longer one is refused when parsed. */
const PARSE_LIMIT = 2_000_000;

/** Rendering one mail may take this long at send time (a backstop: no saved template comes near it). */
export const SEND_RENDER_LIMIT_MS = 5_000;
/** A template whose trial render when saved takes longer is refused. */
export const SAVE_RENDER_LIMIT_MS = 250;

let engines: { html: Liquid; text: Liquid } | undefined;
const engineFor = (html: boolean): Liquid => {
  engines ??= { html: engine(true), text: engine(false) };
  return html ? engines.html : engines.text;
};

/**
 * Inside {{ }} and {% %}, what an HTML editor makes of what was typed becomes characters again: entities for quotes
 * and signs, and the typographic quotes its "smart quotes" put in place of straight ones ("friend" → “friend”).
 */
function decodeInsideTags(source: string): string {
  return source.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, (tag) =>
    tag
      .replace(/&quot;|&#34;|&#39;|&apos;|&lt;|&gt;|&nbsp;|&amp;/g, (entity) =>
        ({ '&quot;': '"', '&#34;': '"', '&#39;': "'", '&apos;': "'", '&lt;': '<', '&gt;': '>', '&nbsp;': ' ', '&amp;': '&' })[entity]!,
      )
      .replace(/[\u201C\u201D\u201E\u00AB\u00BB]/g, '"')
      .replace(/[\u2018\u2019\u201A]/g, "'")
      .replace(/\u00A0/g, ' '),
  );
}

function syntaxProblem(error: unknown): TemplateProblem {
  if (error instanceof TemplateProblemError) return error.problem;
  const e = error as { message?: string; token?: { getPosition?: () => [number, number] }; originalError?: unknown };
  if (e.originalError instanceof TemplateProblemError) return e.originalError.problem;
  const line = e.token?.getPosition?.()[0] ?? Number(/line:(\d+)/.exec(e.message ?? '')?.[1] ?? 1);
  const reason = (e.message ?? String(error)).replace(/, line:\d+, col:\d+[\s\S]*$/, '').trim();
  return { code: 'syntax', line, reason };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
/** Liquid's `escape`, as its outputEscape applies it to every output of an HTML template. */
const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const SIMPLE_OUTPUT = /\{\{\s*([a-z_]+)\s*(?:\|\s*default:\s*(?:"([^"{}]*)"|'([^'{}]*)'))?\s*\}\}/g;

/**
 * The common template (text with {{ variable }} and {{ variable | default: "text" }} only) rendered by joining
 * its pieces: the same output as Liquid's (tested side by side), at a small part of its cost per mail — rendering
 * runs once per recipient in the send loop. Undefined for any other template (tags, other filters), which Liquid
 * renders.
 */
function simpleRenderer(source: string, escapeOutput: boolean): ((data: TemplateData) => string) | undefined {
  const pieces: Array<string | { name: TemplateVariable; fallback: string | undefined }> = [];
  let last = 0;
  for (const match of source.matchAll(SIMPLE_OUTPUT)) {
    pieces.push(source.slice(last, match.index));
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(match[1]!)) return undefined;
    pieces.push({ name: match[1] as TemplateVariable, fallback: match[2] ?? match[3] });
    last = match.index! + match[0].length;
  }
  pieces.push(source.slice(last));
  // anything else that Liquid would read as markup goes to Liquid
  if (pieces.some((piece) => typeof piece === 'string' && /\{\{|\{%|\}\}|%\}/.test(piece))) return undefined;
  return (data) => {
    let out = '';
    for (const piece of pieces) {
      if (typeof piece === 'string') out += piece;
      else {
        const value = data[piece.name];
        const shown = value === '' && piece.fallback !== undefined ? piece.fallback : value;
        out += escapeOutput ? escapeHtml(shown) : shown;
      }
    }
    return out;
  };
}

/** A parsed template, ready to render for each recipient. */
export interface CompiledTemplate {
  render(data: TemplateData): string;
  /** Liquid's own rendering, also for a simple template (tests compare the two). */
  renderWithLiquid(data: TemplateData): string;
  /** Renders once under the save-time limit; throws a TemplateProblemError (tooCostly) when it costs too much. */
  trial(data: TemplateData): void;
}

/**
 * Parses and checks a template: syntax, tags and variables. Throws a TemplateProblemError with the line of the
 * first problem. `html` makes variables HTML-escaped when rendered.
 */
export function compileTemplate(source: string, options: { html: boolean }): CompiledTemplate {
  const liquid = engineFor(options.html);
  let templates: Template[];
  const decoded = decodeInsideTags(source);
  try {
    templates = liquid.parse(decoded);
  } catch (error) {
    throw new TemplateProblemError(syntaxProblem(error));
  }
  // every variable read from outside the template (not assigned in it) must be one of ours, read whole
  const known = new Set<string>(TEMPLATE_VARIABLES);
  const analysis = liquid.analyzeSync(templates, { partials: false });
  for (const [name, uses] of Object.entries(analysis.globals)) {
    for (const use of uses) {
      const first = use.segments[0];
      if (!known.has(String(name)) || use.segments.length > 1) {
        const shown = use.segments.map(String).join('.') || String(first ?? name);
        throw new TemplateProblemError({ code: 'unknownVariable', line: use.location.row, name: shown });
      }
    }
  }
  const simple = simpleRenderer(decoded, options.html);
  return {
    render: simple ?? ((data) => liquid.renderSync(templates, data, { ownPropertyOnly: true }) as string),
    /** Liquid's own rendering, also for a simple template (tests compare the two). */
    renderWithLiquid(data: TemplateData) {
      return liquid.renderSync(templates, data, { ownPropertyOnly: true }) as string;
    },
    trial(data) {
      try {
        liquid.renderSync(templates, data, { ownPropertyOnly: true, renderLimit: SAVE_RENDER_LIMIT_MS });
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        if (/limit exceeded/.test(message)) throw new TemplateProblemError({ code: 'tooCostly', reason: message.replace(/, line:\d+, col:\d+[\s\S]*$/, '') });
        throw new TemplateProblemError(syntaxProblem(error));
      }
    },
  };
}

/**
 * A template for sending: a simple one (see simpleRenderer) is rendered by joining its pieces without parsing it
 * with Liquid at all — Liquid parses every simple template (its outputs are known variables, with at most a
 * default of plain text, and nothing else is markup), so the checks of compileTemplate cannot refuse it; any other
 * goes through compileTemplate (and throws what it throws).
 */
export function compileForSending(source: string, options: { html: boolean }): Pick<CompiledTemplate, 'render'> {
  const decoded = decodeInsideTags(source);
  const simple = decoded.length <= PARSE_LIMIT ? simpleRenderer(decoded, options.html) : undefined;
  return simple ? { render: simple } : compileTemplate(source, options);
}

/** The problem of a template, or undefined when it is fine (for checks on save). */
export function templateProblem(source: string, options: { html: boolean }): TemplateProblem | undefined {
  try {
    compileTemplate(source, options);
    return undefined;
  } catch (error) {
    if (error instanceof TemplateProblemError) return error.problem;
    throw error;
  }
}
