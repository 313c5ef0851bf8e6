/**
 * End-to-end: which address the per-address limits count, behind a reverse proxy and without
 * one. Without TRUST_PROXY, X-Forwarded-For is a header like any other (a client cannot pick
 * its address); with TRUST_PROXY naming the proxy, each visitor behind it has their own limits
 * (else everyone behind the proxy would share one). REST (POST /participants) and the /rooms
 * handshake follow the one setting.
 */
import { io, type Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../support/app.js';
import { clientKey } from '../../src/common/http/client-address.js';
import { api } from '../support/http.js';
import { newParticipant } from '../support/sockets.js';
import { ROOMS_ENV } from './room-fixtures.js';

/** POST /participants as if forwarded for `visitor`: the status it answers. */
async function issueFor(t: TestApp, visitor: string): Promise<number> {
  const res = await api(t, 'POST', '/participants', {
    headers: { 'x-forwarded-for': visitor },
  });
  return res.status;
}

/** A /rooms handshake forwarded for `visitor`: 'connected' or the connect_error's code. */
function handshakeFor(t: TestApp, token: string, visitor: string, open: Socket[]): Promise<string> {
  const socket = io(`${t.baseUrl}/rooms`, {
    auth: { token },
    transports: ['websocket'],
    extraHeaders: { 'x-forwarded-for': visitor },
    reconnection: false,
    forceNew: true,
  });
  open.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) =>
      resolve(err.data?.code ?? `no code: ${err.message}`),
    );
  });
}

describe.each([
  ['no proxy trusted (the default)', undefined],
  ['the proxy on loopback trusted', 'loopback'],
] as const)('with %s', (_label, trustProxy) => {
  let t: TestApp;
  let token: string;
  const open: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...ROOMS_ENV,
        PARTICIPANT_ISSUE_PER_MINUTE: '2',
        ROOM_SOCKETS_PER_ADDRESS: '2',
        ROOM_SOCKETS_PER_PARTICIPANT: '10',
        ...(trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy }),
      },
    });
    // Taken first: without a trusted proxy it uses one of 127.0.0.1's two identities.
    ({ token } = await newParticipant(t));
  });

  afterAll(async () => {
    for (const s of open) s.close();
    await t?.close();
  });

  test('new identities are limited per visitor only when the proxy is trusted', async () => {
    const answers = [
      await issueFor(t, '203.0.113.10'),
      await issueFor(t, '203.0.113.10'),
      await issueFor(t, '203.0.113.10'),
      await issueFor(t, '198.51.100.20'),
    ];
    // Trusted: the third from one visitor is refused, another visitor is not.
    // Not trusted: every request is 127.0.0.1's (one identity left), whatever the header says.
    expect(answers).toEqual(trustProxy === undefined ? [201, 429, 429, 429] : [201, 201, 429, 201]);
  });

  test('connections are counted per visitor only when the proxy is trusted', async () => {
    const answers = [
      await handshakeFor(t, token, '203.0.113.10', open),
      await handshakeFor(t, token, '203.0.113.10', open),
      await handshakeFor(t, token, '203.0.113.10', open),
      await handshakeFor(t, token, '198.51.100.20', open),
    ];
    expect(answers).toEqual(
      trustProxy === undefined
        ? ['connected', 'connected', 'RATE_LIMITED', 'RATE_LIMITED']
        : ['connected', 'connected', 'RATE_LIMITED', 'connected'],
    );
  });

  test('one IPv6 /64 is one client; an IPv4 address written as IPv6 is that address', async () => {
    const answers = [
      await issueFor(t, '2001:db8:1:2::1'),
      await issueFor(t, '2001:db8:1:2:ffff:ffff:ffff:fffe'),
      await issueFor(t, '2001:db8:1:2::99'),
      await issueFor(t, '2001:db8:1:3::1'),
      // 203.0.113.10 had its two identities in the first test.
      await issueFor(t, '::ffff:203.0.113.10'),
    ];
    expect(answers).toEqual(
      trustProxy === undefined ? [429, 429, 429, 429, 429] : [201, 201, 429, 201, 429],
    );
  });

  test('a forged chain is followed only through the trusted proxy', async () => {
    // The client claims to be forwarding for someone else; the proxy appends the client's own
    // address (here: 192.0.2.55). Only the proxy's hop is trusted, so 192.0.2.55 is counted.
    const answers = [
      await issueFor(t, '10.9.9.9, 192.0.2.55'),
      await issueFor(t, '10.9.9.8, 192.0.2.55'),
      await issueFor(t, '10.9.9.7, 192.0.2.55'),
    ];
    expect(answers).toEqual(trustProxy === undefined ? [429, 429, 429] : [201, 201, 429]);
  });
});

describe('clientKey', () => {
  test.each([
    ['203.0.113.7', 'v4:cb007107'],
    ['::ffff:203.0.113.7', 'v4:cb007107'],
    ['::ffff:cb00:7107', 'v4:cb007107'],
    ['2001:db8:1:2::1', 'v6:20010db800010002/64'],
    ['2001:DB8:1:2:ffff::9', 'v6:20010db800010002/64'],
    ['2001:db8:1:3::1', 'v6:20010db800010003/64'],
    ['::1', 'v6:0/64'],
    ['unknown', 'unknown'],
  ])('%s counts as %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });
});
