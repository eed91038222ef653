// A stored message compiled for sending: its templates compiled once per run, rendered per recipient. Kept apart
// from compose.ts (saving: HTML sanitising and the generated text part) so that the sending engine, and
// `cli.js send` with it, does not load sanitize-html and html-to-text (~20 MB of a process's memory).
import { compileForSending, TemplateProblemError, type TemplateData } from './template.js';

/** The person a mail is for, as the templates see them. */
export interface Recipient {
  name: string | null;
  email: string;
  comment: string | null;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

export interface CompiledMessage {
  render(recipient: Recipient, unsubscribeUrl?: string): RenderedMessage;
}

/** Data shown in a preview when no client is chosen. */
export const SAMPLE_RECIPIENT: Recipient = { name: 'Alex Sample', email: 'alex@example.com', comment: 'a sample client' };

const literal = (source: string) => ({ render: () => source });

/**
 * Compiles a stored message once (per run). A message stored before templates existed may hold text that is not a
 * valid template ("{{" in a plain body): it is sent as written rather than not at all.
 */
export function compileMessage(stored: { subject: string; html: string; text: string }): CompiledMessage {
  const tryCompile = (source: string, html: boolean) => {
    try {
      return compileForSending(source, { html });
    } catch (error) {
      if (error instanceof TemplateProblemError) return literal(source);
      throw error;
    }
  };
  const subject = tryCompile(stored.subject, false);
  const html = tryCompile(stored.html, true);
  const text = tryCompile(stored.text, false);
  return {
    render(recipient, unsubscribeUrl = '') {
      const data: TemplateData = {
        name: recipient.name ?? '',
        email: recipient.email,
        comment: recipient.comment ?? '',
        unsubscribe_url: unsubscribeUrl,
      };
      // a subject is one line: a newline in a name or a template must not become a header break
      return { subject: subject.render(data).replace(/[\r\n]+/g, ' ').trim(), html: html.render(data), text: text.render(data) };
    },
  };
}
