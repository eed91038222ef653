// Cleans a message's HTML when it is saved: what a mail client may render, never what runs (scripts, handlers,
// javascript: URLs, SVG, CSS expressions); images only by http(s) URL, pasted data: images refused.
import sanitizeHtml from 'sanitize-html';

/** Why a body was refused (not cleaned): the person must act, e.g. upload the image somewhere and link it. */
export interface HtmlProblem {
  code: 'embeddedImage';
  /** How many embedded (data:) images the body had. */
  count: number;
}

export type SanitiseResult = { ok: true; html: string } | { ok: false; problem: HtmlProblem };

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'div', 'span', 'blockquote', 'pre', 'code',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'strong', 'b', 'em', 'i', 'u', 's', 'strike', 'sub', 'sup', 'small', 'mark',
  'ul', 'ol', 'li',
  'a', 'img',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
];

/** Inline styles a mail client honours; each value must match: words, numbers, colours, rgb()/rgba() and nothing
 * else with a parenthesis (so no url(), no expression()). */
const SAFE_VALUE = /^(?:[#\w\s.,%'"-]|rgba?\([\d\s.,%]+\))+$/i;
const allowedStyles = Object.fromEntries(
  ['color', 'background-color', 'font-size', 'font-weight', 'font-style', 'font-family', 'text-align', 'text-decoration', 'line-height',
    'margin', 'margin-top', 'margin-bottom', 'padding', 'border', 'width', 'max-width', 'height', 'vertical-align']
    .map((name) => [name, [SAFE_VALUE]]),
);

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  // no on* handlers anywhere: only these attributes survive
  allowedAttributes: {
    '*': ['style', 'align', 'title', 'dir'],
    a: ['href', 'name', 'target', 'rel'],
    img: ['src', 'alt', 'width', 'height'],
    td: ['colspan', 'rowspan', 'width', 'valign'],
    th: ['colspan', 'rowspan', 'width', 'valign'],
    table: ['width', 'cellpadding', 'cellspacing', 'border'],
  },
  allowedStyles: { '*': allowedStyles },
  // links: web and mail addresses, and the template's own variables ("{{ unsubscribe_url }}" has no scheme);
  // images: only http(s), fetched by the reader's mail client
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  // the contents of these go with them (a script's text must not become visible text either)
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'svg', 'math', 'iframe', 'object'],
  disallowedTagsMode: 'discard',
  transformTags: {
    // a link that opens a new window does not hand it the opener
    a: (tagName, attribs) => ({ tagName, attribs: attribs.target ? { ...attribs, rel: 'noopener noreferrer' } : attribs }),
    // sanitize-html lets relative URLs through: an image of a mail must be a full http(s) address
    img: (tagName, attribs) => {
      const { src, ...rest } = attribs;
      return { tagName, attribs: src !== undefined && /^https?:\/\//i.test(src.trim()) ? { ...rest, src } : rest };
    },
  },
  // an image left without an address is no image
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

const DATA_IMAGE = /<img\b[^>]*\bsrc\s*=\s*["']?\s*data:/gi;

/**
 * The HTML a message may keep. A body with embedded images (data: URLs, e.g. pasted into the editor) is refused
 * rather than cleaned: a 300 KB base64 blob in every mail is what the person did not mean, and silently dropping
 * their picture would lose it.
 */
export function sanitiseMessageHtml(html: string): SanitiseResult {
  const embedded = html.match(DATA_IMAGE)?.length ?? 0;
  if (embedded > 0) return { ok: false, problem: { code: 'embeddedImage', count: embedded } };
  return { ok: true, html: sanitizeHtml(html, OPTIONS).trim() };
}

/** Plain text as the HTML that shows it: what an existing plain-text body becomes (lines kept). */
export function textToHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return escaped
    .split(/\r?\n\r?\n/)
    .map((paragraph) => `<p>${paragraph.replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');
}
