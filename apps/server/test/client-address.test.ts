import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { loadConfig } from '../src/index';
import { startTestServer, tryUpgrade } from './fixtures';

describe('TRUST_PROXY', () => {
  it('takes false, true, or a list of loopback, addresses and CIDR subnets, and names anything else', () => {
    expect(loadConfig({}).TRUST_PROXY).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toEqual(['0.0.0.0/0', '::/0']);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, 192.0.2.7, ::ffff:198.51.100.1' }).TRUST_PROXY).toEqual([
      '127.0.0.0/8',
      '::1/128',
      '10.0.0.0/8',
      '192.0.2.7/32',
      '198.51.100.1/32',
    ]);
    for (const value of ['yes', 'loopback,proxy.internal', '10.0.0.0/33', '10.0.0.1/', '', 'true,loopback']) {
      expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(/^Invalid configuration: TRUST_PROXY: /);
    }
  });

  it('counts each forwarded client separately behind a trusted proxy; an untrusted peer cannot spoof X-Forwarded-For', async () => {
    await using server = await startTestServer({ MAX_CONNECTIONS_PER_ADDRESS: '1', TRUST_PROXY: '127.0.0.1' });
    const opened: WebSocket[] = [];
    const open = async (localAddress: string, forwardedFor: string) => {
      const attempt = await tryUpgrade(server.url, { localAddress, headers: { 'x-forwarded-for': forwardedFor } });
      if (attempt.socket) opened.push(attempt.socket);
      return attempt.status;
    };
    try {
      // Through the trusted proxy (127.0.0.1): two browsers, one slot each.
      expect(await open('127.0.0.1', '203.0.113.1')).toBe(101);
      expect(await open('127.0.0.1', '203.0.113.2')).toBe(101);
      expect(await open('127.0.0.1', '203.0.113.1')).toBe(429);
      // A proxy that appends: the client prepended an address of its choosing, the proxy added the real one.
      expect(await open('127.0.0.1', '198.51.100.77, 203.0.113.1')).toBe(429);
      // A peer that is not the proxy (127.0.0.2) is counted by its own address, whatever it forwards.
      expect(await open('127.0.0.2', '203.0.113.3')).toBe(101);
      expect(await open('127.0.0.2', '203.0.113.4')).toBe(429);
      expect(await open('127.0.0.2', '127.0.0.1')).toBe(429);
    } finally {
      for (const socket of opened) socket.terminate();
    }
  });

  it('trusts no forwarding header by default, and every peer with TRUST_PROXY=true', async () => {
    await using direct = await startTestServer({ MAX_CONNECTIONS_PER_ADDRESS: '1' });
    const first = await tryUpgrade(direct.url, {
      localAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '203.0.113.1' },
    });
    expect(
      (await tryUpgrade(direct.url, { localAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.2' } }))
        .status,
    ).toBe(429);
    first.socket?.terminate();

    await using open = await startTestServer({ MAX_CONNECTIONS_PER_ADDRESS: '1', TRUST_PROXY: 'true' });
    const one = await tryUpgrade(open.url, {
      localAddress: '127.0.0.2',
      headers: { 'x-forwarded-for': '203.0.113.1' },
    });
    const two = await tryUpgrade(open.url, {
      localAddress: '127.0.0.3',
      headers: { 'x-forwarded-for': '203.0.113.2' },
    });
    expect([one.status, two.status]).toEqual([101, 101]);
    one.socket?.terminate();
    two.socket?.terminate();
  });
});
