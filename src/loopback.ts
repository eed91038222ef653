// Is a request from this machine? Judged by the connection itself, and refused when any forwarding header
// names another address: with a reverse proxy on this machine every connection comes from loopback, and only
// the proxy's X-Forwarded-For (or Forwarded / X-Real-IP) tells that the client is elsewhere.
import net from 'node:net';
import type { IncomingMessage } from 'node:http';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** 127.0.0.0/8 and ::1 (also written as an IPv4-mapped IPv6 address, as Node reports IPv4 on a dual-stack socket). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const ipv4 = MAPPED_IPV4.exec(address)?.[1] ?? address;
  if (net.isIPv4(ipv4)) return ipv4.startsWith('127.');
  if (!net.isIPv6(address)) return false;
  const list = new net.BlockList();
  list.addAddress('::1', 'ipv6');
  return list.check(address, 'ipv6');
}

/** The addresses a Forwarded header (RFC 7239) names in its for= parameters: "[::1]:80" → "::1". */
function forwardedFor(header: string): string[] {
  const found: string[] = [];
  for (const element of header.split(',')) {
    for (const pair of element.split(';')) {
      const [key, value = ''] = pair.split('=', 2).map((part) => part.trim());
      if (key?.toLowerCase() !== 'for') continue;
      const unquoted = value.replace(/^"(.*)"$/, '$1');
      const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(unquoted);
      found.push(bracketed ? bracketed[1]! : unquoted.replace(/:\d+$/, ''));
    }
  }
  return found;
}

/** Every client address the request's forwarding headers name (none when it came straight to us). */
function forwardedAddresses(req: IncomingMessage): string[] {
  const headers = req.headers;
  const values = (name: string): string[] => {
    const value = headers[name];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };
  return [
    ...values('x-forwarded-for').flatMap((value) => value.split(',')).map((value) => value.trim()),
    ...values('x-real-ip').map((value) => value.trim()),
    ...values('forwarded').flatMap(forwardedFor),
  ];
}

/**
 * True only when the connection comes from loopback AND no forwarding header names any other address (or
 * anything that is not an address, like "unknown"). A client elsewhere cannot pass: its connection is not
 * loopback whatever headers it sends, and through a proxy on this machine its own address is in the header.
 */
export function isLoopbackRequest(req: IncomingMessage): boolean {
  return isLoopbackAddress(req.socket.remoteAddress) && forwardedAddresses(req).every((address) => isLoopbackAddress(address));
}
