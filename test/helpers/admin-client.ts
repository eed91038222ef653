// A logged-in (or anonymous) HTTP client of the back office's JSON API, keeping the session cookie like a browser
// and sending the Origin header a browser sends (the back office refuses state changes without it).
import { TEST_PASSWORD } from './factories.js';

export interface ApiResponse {
  status: number;
  body: any;
  text: string;
  location: string | null;
}

/** An answer with its body as JSON when it is JSON (undefined for a page). */
export async function apiResponse(response: Response): Promise<ApiResponse> {
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text, location: response.headers.get('location') };
}

export class AdminClient {
  private cookie = '';
  /** headers: sent with every request, e.g. another Origin or a proxy's X-Forwarded-Proto. */
  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  get sessionCookie(): string {
    return this.cookie;
  }

  private remember(response: Response): void {
    const set = response.headers.getSetCookie();
    for (const line of set) {
      const pair = line.split(';')[0]!;
      if (pair.startsWith('mailing.sid=')) this.cookie = pair;
    }
  }

  async request(method: string, path: string, body?: Record<string, string | string[]> | FormData): Promise<ApiResponse> {
    let payload: FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body) {
      payload = new FormData();
      for (const [key, value] of Object.entries(body)) {
        if (Array.isArray(value)) value.forEach((item, i) => payload!.append(`${key}.${i}`, item));
        else payload.append(key, value);
      }
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      body: payload,
      redirect: 'manual',
      headers: { origin: new URL(this.baseUrl).origin, ...this.headers, ...(this.cookie ? { cookie: this.cookie } : {}) },
    });
    this.remember(response);
    return apiResponse(response);
  }

  get(path: string): Promise<ApiResponse> {
    return this.request('GET', path);
  }

  post(path: string, body: Record<string, string | string[]> | FormData = {}): Promise<ApiResponse> {
    return this.request('POST', path, body);
  }

  /** Logs in through the login form; returns the response (302 to /admin on success). */
  async login(email: string, password = TEST_PASSWORD): Promise<ApiResponse> {
    return this.post('/admin/login', { email, password });
  }
}

/** A client already logged in as the given e-mail; fails the test when the login does not succeed. */
export async function loggedIn(baseUrl: string, email: string): Promise<AdminClient> {
  const client = new AdminClient(baseUrl);
  const response = await client.login(email);
  if (response.status !== 302 || response.location !== '/admin') {
    throw new Error(`login as ${email} failed: ${response.status} ${response.text.slice(0, 200)}`);
  }
  return client;
}
