// A tiny browser stand-in for HTTP tests: keeps cookies, submits forms with the CSRF token of the last page.
export interface Page {
  status: number;
  html: string;
  headers: Headers;
  location: string | null;
}

export class WebClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }

  async get(path: string): Promise<Page> {
    const response = await fetch(new URL(path, this.base), { headers: { cookie: this.cookieHeader() }, redirect: 'manual' });
    this.keep(response);
    return { status: response.status, html: await response.text(), headers: response.headers, location: response.headers.get('location') };
  }

  async post(path: string, fields: Record<string, string>): Promise<Page> {
    const response = await fetch(new URL(path, this.base), {
      method: 'POST',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    this.keep(response);
    return { status: response.status, html: await response.text(), headers: response.headers, location: response.headers.get('location') };
  }

  /** Opens the form page, then posts the fields with the page's CSRF token (and hidden fields). */
  async submit(formPath: string, fields: Record<string, string>, action?: string): Promise<Page> {
    const page = await this.get(formPath);
    const hidden = hiddenFields(page.html);
    const target = action ?? /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
    if (!target) throw new Error(`no form on ${formPath} (status ${page.status})`);
    return this.post(target, { ...hidden, ...fields });
  }
}

export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[match[1]!] = decodeEntities(match[2]!);
  return fields;
}

function decodeEntities(value: string): string {
  return value.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The first link to this path in a mail's text. */
export function linkIn(text: string, path: string): string {
  const match = new RegExp(`https?://[^\\s]+${path.replace(/[/?]/g, (c) => `\\${c}`)}[^\\s]*`).exec(text);
  if (!match) throw new Error(`no ${path} link in the mail:\n${text}`);
  return match[0];
}
