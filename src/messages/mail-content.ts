// What the sending engine needs of a message: compiled once per run, personalised per recipient in the send loop.
import { compileMessage, type CompiledMessage, type Recipient } from './compiled.js';

/** A run's message, compiled once. */
export interface RunContent {
  readonly compiled: CompiledMessage;
  /** False for a message stored without HTML (sent as plain text only). */
  readonly hasHtml: boolean;
}

export function runContent(message: { subject: string; html: string | null; body: string }): RunContent {
  const html = message.html ?? '';
  return { compiled: compileMessage({ subject: message.subject, html, text: message.body }), hasHtml: html.trim() !== '' };
}

/** One recipient's subject, text and (unless plain text only) HTML: the two parts go out as multipart/alternative. */
export function personalise(content: RunContent, recipient: Recipient, unsubscribeUrl = ''): { subject: string; text: string; html?: string } {
  const rendered = content.compiled.render(recipient, unsubscribeUrl);
  return content.hasHtml ? rendered : { subject: rendered.subject, text: rendered.text };
}
