// Requests from a chosen local address: this machine's own non-loopback address plays a client on another machine.
import http from 'node:http';
import os from 'node:os';

/** An IPv4 address of this machine that is not loopback, or undefined when it has no network interface. */
export function nonLoopbackAddress(): string | undefined {
  for (const entries of Object.values(os.networkInterfaces())) {
    for (const entry of entries ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  }
  return undefined;
}

export interface PlainResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** GET with the connection made from `localAddress` (the server sees it as the client's address). */
export function getFrom(url: string, options: { localAddress?: string; headers?: Record<string, string> } = {}): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { localAddress: options.localAddress, headers: options.headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.setTimeout(10_000, () => request.destroy(new Error(`no answer from ${url} within 10 s`)));
  });
}
