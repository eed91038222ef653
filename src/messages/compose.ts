// A message's three parts (subject, HTML, plain text): checked and prepared when saved, compiled once per run,
// rendered per recipient.
import { convert } from 'html-to-text';
import { sanitiseMessageHtml, type HtmlProblem } from './sanitise.js';
import { compileTemplate, TemplateProblemError, type TemplateData, type TemplateProblem } from './template.js';

export { compileMessage, SAMPLE_RECIPIENT, type CompiledMessage, type Recipient, type RenderedMessage } from './compiled.js';

/** What a person writes: the subject, the HTML body, and optionally their own plain-text part. */
export interface MessageDraft {
  subject: string;
  html: string;
  /** The plain-text part written by hand; empty or undefined: generated from the HTML. */
  textOverride?: string | null;
}

/** What is stored: the sanitised HTML and the text part (generated, or the person's own). */
export interface PreparedMessage {
  subject: string;
  html: string;
  text: string;
  textCustom: boolean;
}

export type MessageField = 'subject' | 'html' | 'text';
export type MessageProblem = TemplateProblem | HtmlProblem;

/** A draft that cannot be saved: one problem per field, each worded by the back office in the reader's language. */
export class MessageProblemsError extends Error {
  constructor(readonly problems: Partial<Record<MessageField, MessageProblem>>) {
    super(`The message cannot be saved: ${Object.entries(problems).map(([field, p]) => `${field}: ${JSON.stringify(p)}`).join('; ')}`);
    this.name = 'MessageProblemsError';
  }
}

/**
 * The plain-text part of an HTML body: html-to-text, with no line wrapping and no upper-casing (either could cut or
 * change a {{ variable }}), links as "text [url]", images left out.
 */
export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      ...(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const).map((selector) => ({ selector, options: { uppercase: false } })),
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      { selector: 'img', format: 'skip' },
    ],
  }).trim();
}

/** Data a saved template is tried with (the longest plausible values, so the trial is not cheaper than a real mail). */
const TRIAL_DATA: TemplateData = { name: 'Alexandra Konstantinopolskaya', email: 'alexandra.konstantinopolskaya@example.com', comment: 'x'.repeat(200), unsubscribe_url: 'https://mailing.example.com/u/0123456789abcdef' };

function problemOf(check: () => unknown): TemplateProblem | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof TemplateProblemError) return error.problem;
    throw error;
  }
}

/** Cleans and checks a draft; throws MessageProblemsError naming every field that is wrong. */
export function prepareMessage(draft: MessageDraft): PreparedMessage {
  const problems: Partial<Record<MessageField, MessageProblem>> = {};
  const subjectProblem = problemOf(() => compileTemplate(draft.subject, { html: false }).trial(TRIAL_DATA));
  if (subjectProblem) problems.subject = subjectProblem;
  const clean = sanitiseMessageHtml(draft.html);
  let html = '';
  if (!clean.ok) problems.html = clean.problem;
  else {
    html = clean.html;
    const htmlProblem = problemOf(() => compileTemplate(html, { html: true }).trial(TRIAL_DATA));
    if (htmlProblem) problems.html = htmlProblem;
  }
  const override = draft.textOverride?.trim() ? draft.textOverride.replace(/\r\n/g, '\n') : undefined;
  const text = override ?? (problems.html ? '' : htmlToText(html));
  // a generated text part comes from a checked HTML body; a hand-written one is checked on its own
  if (override !== undefined) {
    const textProblem = problemOf(() => compileTemplate(override, { html: false }).trial(TRIAL_DATA));
    if (textProblem) problems.text = textProblem;
  }
  if (Object.keys(problems).length > 0) throw new MessageProblemsError(problems);
  return { subject: draft.subject, html, text, textCustom: override !== undefined };
}
