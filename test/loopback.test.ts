// What counts as "this machine": a loopback connection, and no forwarding header naming anywhere else.
import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import { isLoopbackAddress, isLoopbackRequest } from '../src/loopback.js';

function request(remoteAddress: string | undefined, headers: Record<string, string | string[]> = {}): IncomingMessage {
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('loopback clients', () => {
  const loopback = ['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'];
  const elsewhere = ['192.0.2.2', '10.0.0.1', '::', '0.0.0.0', '::ffff:192.0.2.2', 'fe80::1', '128.0.0.1', 'localhost', 'unknown', '', undefined];
  for (const address of loopback) {
    it(`when the address is ${address}, then it is loopback`, () => expect(isLoopbackAddress(address)).to.equal(true));
  }
  for (const address of elsewhere) {
    it(`when the address is ${JSON.stringify(address)}, then it is not loopback`, () => expect(isLoopbackAddress(address)).to.equal(false));
  }

  it('when the connection is from elsewhere, then no header makes it local', () => {
    expect(isLoopbackRequest(request('192.0.2.2', { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1', forwarded: 'for=127.0.0.1' }))).to.equal(false);
  });

  it('when a loopback connection carries a forwarding header naming another address anywhere in it, then it is not local', () => {
    expect(isLoopbackRequest(request('127.0.0.1', { 'x-forwarded-for': '127.0.0.1, 198.51.100.4' }))).to.equal(false);
    expect(isLoopbackRequest(request('127.0.0.1', { 'x-forwarded-for': ['127.0.0.1', '198.51.100.4'] }))).to.equal(false);
    expect(isLoopbackRequest(request('::1', { forwarded: 'for=127.0.0.1, for="[2001:db8::7]"' }))).to.equal(false);
    expect(isLoopbackRequest(request('::1', { forwarded: 'proto=http;for=_hidden' }))).to.equal(false);
    expect(isLoopbackRequest(request('127.0.0.1', { 'x-forwarded-for': '' }))).to.equal(false);
  });

  it('when a loopback connection carries no forwarding header or only loopback ones, then it is local', () => {
    expect(isLoopbackRequest(request('127.0.0.1'))).to.equal(true);
    expect(isLoopbackRequest(request('::ffff:127.0.0.1', { 'x-forwarded-for': '127.0.0.1, ::1', forwarded: 'for="[::1]:5000";proto=http' }))).to.equal(true);
  });
});
