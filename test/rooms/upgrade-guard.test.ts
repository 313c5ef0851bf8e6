/**
 * End-to-end: floods of connections to /rooms are refused before the WebSocket upgrade (found by
 * bench/abuse.bench.ts: one client opening 500 sockets and retrying every refused one cost the
 * service a millisecond of CPU per refusal, and the members in the room felt it). Below the
 * limits nothing changes: a client is refused with the contract's connect_error codes. An
 * address that keeps coming back after ROOM_HANDSHAKE_REFUSALS_PER_MINUTE refusals, or opens
 * connections faster than ROOM_CONNECTS_PER_MINUTE after a burst of ROOM_SOCKETS_PER_ADDRESS,
 * gets HTTP 429 with Retry-After and the REST error body, and no WebSocket at all. Other
 * addresses are not affected; X-Forwarded-For counts only through TRUST_PROXY; the addresses
 * are forgotten once their buckets are full again.
 */
import { randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { RoomBroadcaster } from '../../src/rooms/realtime/room-broadcaster.js';
import { SocketAuth } from '../../src/rooms/realtime/socket-auth.js';
import { UpgradeGuard } from '../../src/rooms/realtime/upgrade-guard.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { recordSecret } from '../support/run-record.js';
import { newParticipant } from '../support/sockets.js';
import { ROOMS_ENV } from './room-fixtures.js';

interface From {
  /** A local address of this machine to connect from (127.0.0.0/8 is all local on Linux). */
  localAddress?: string;
  /** Sent as X-Forwarded-For, as a reverse proxy would. */
  forwardedFor?: string;
}

function headersOf(from: From): Record<string, string> {
  if (from.forwardedFor === undefined) return {};
  recordSecret('client-address', from.forwardedFor);
  return { 'x-forwarded-for': from.forwardedFor };
}

/**
 * A /rooms handshake with socket.io-client: 'connected', the connect_error's `data.code`, or
 * `HTTP <status>` when the upgrade itself was refused (all that Node's client can see of it).
 */
function handshake(t: TestApp, token: string, open: Socket[], from: From = {}): Promise<string> {
  const socket = io(`${t.baseUrl}/rooms`, {
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    forceNew: true,
    extraHeaders: headersOf(from),
    ...(from.localAddress === undefined ? {} : { localAddress: from.localAddress }),
  });
  open.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once(
      'connect_error',
      (err: Error & { data?: { code?: string }; description?: { message?: string } }) => {
        socket.disconnect();
        const status = /^Unexpected server response: (\d+)$/.exec(
          err.description?.message ?? '',
        )?.[1];
        resolve(
          err.data?.code ?? (status === undefined ? `no code: ${err.message}` : `HTTP ${status}`),
        );
      },
    );
  });
}

interface UpgradeAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A bare WebSocket upgrade of Engine.IO, to read what a refusal really says (101: accepted). */
function upgrade(t: TestApp, from: From = {}): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.baseUrl}/socket.io/?EIO=4&transport=websocket`, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        'sec-websocket-version': '13',
        ...headersOf(from),
      },
      agent: false,
      ...(from.localAddress === undefined ? {} : { localAddress: from.localAddress }),
    });
    req.once('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
    });
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

/** Transports Engine.IO opened (each refused handshake after the upgrade is one). */
function engineConnections(t: TestApp): { count: number; stop(): void } {
  const broadcaster: unknown = t.app.get(RoomBroadcaster);
  // Private on purpose (only the gateway attaches it); read here to see what got upgraded.
  const engine = (
    broadcaster as {
      namespace: {
        server: {
          engine: { on(e: string, f: () => void): void; off(e: string, f: () => void): void };
        };
      };
    }
  ).namespace.server.engine;
  const counter = {
    count: 0,
    stop: () => engine.off('connection', onConnection),
  };
  const onConnection = (): void => {
    counter.count++;
  };
  engine.on('connection', onConnection);
  return counter;
}

function closeAll(open: Socket[]): void {
  for (const socket of open) socket.disconnect();
  open.length = 0;
}

describe('an address that keeps coming back after refused handshakes', () => {
  let t: TestApp;
  const open: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...ROOMS_ENV,
        ROOM_SOCKETS_PER_PARTICIPANT: '1',
        ROOM_HANDSHAKE_REFUSALS_PER_MINUTE: '3',
      },
    });
  });

  afterAll(async () => {
    closeAll(open);
    await t.close();
  });

  test('gets connect_error RATE_LIMITED up to the limit, then HTTP 429 before the upgrade; other addresses connect', async () => {
    const sam = await newParticipant(t);
    expect(await handshake(t, sam.token, open)).toBe('connected');
    // Under the limit: the contract's answer, as before.
    for (let i = 0; i < 3; i++) expect(await handshake(t, sam.token, open)).toBe('RATE_LIMITED');

    const upgraded = engineConnections(t);
    try {
      const refused = await upgrade(t);
      expect(refused.status).toBe(429);
      expect(refused.headers['content-type']).toBe('application/json; charset=utf-8');
      // Refusals come back at 3 a minute: one every 20 s.
      const retryAfter = Number(refused.headers['retry-after']);
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 20).toBe(true);
      expect(JSON.parse(refused.body)).toEqual({
        error: { code: 'RATE_LIMITED', message: expect.any(String) as string, details: [] },
      });
      // What a Socket.IO client sees of it: the upgrade's status, whatever its token.
      expect(await handshake(t, sam.token, open)).toBe('HTTP 429');
      expect(await handshake(t, (await newParticipant(t)).token, open)).toBe('HTTP 429');
      // None of these got as far as Engine.IO's handshake.
      expect(upgraded.count).toBe(0);

      // Another address is another client.
      const lee = await newParticipant(t);
      expect(await handshake(t, lee.token, open, { localAddress: '127.0.0.2' })).toBe('connected');
      expect(upgraded.count).toBe(1);
    } finally {
      upgraded.stop();
    }
    // The connections already open are not touched.
    expect(open[0]?.connected).toBe(true);
  });

  test('the addresses are keys in memory, one per client', () => {
    const size = t.app.get(SocketAuth).upgradeGuard.size;
    // 127.0.0.1's refusals (127.0.0.2 had none). Connections come back at once with these
    // settings, so those keys may have been swept already (see UpgradeGuard's test below).
    expect(size.refused).toBe(1);
    expect(size.connecting).toBeLessThanOrEqual(2);
  });
});

describe('an address that opens connections faster than anyone needs to', () => {
  let t: TestApp;
  const open: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...ROOMS_ENV,
        // A burst of as many as one address may hold open, then one a minute.
        ROOM_SOCKETS_PER_ADDRESS: '3',
        ROOM_CONNECTS_PER_MINUTE: '1',
      },
    });
  });

  afterAll(async () => {
    closeAll(open);
    await t.close();
  });

  test('gets HTTP 429 before the upgrade once its burst is spent, even with nothing left open', async () => {
    const sam = await newParticipant(t);
    for (let i = 0; i < 3; i++) {
      expect(await handshake(t, sam.token, open)).toBe('connected');
      closeAll(open);
    }
    const refused = await upgrade(t);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(await handshake(t, sam.token, open)).toBe('HTTP 429');
    expect(await handshake(t, sam.token, open, { localAddress: '127.0.0.3' })).toBe('connected');
  });
});

describe.each([
  ['no proxy trusted (the default)', undefined],
  ['the proxy on loopback trusted', 'loopback'],
] as const)('behind a proxy, with %s', (_label, trustProxy) => {
  let t: TestApp;
  const open: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...ROOMS_ENV,
        ROOM_SOCKETS_PER_PARTICIPANT: '1',
        ROOM_HANDSHAKE_REFUSALS_PER_MINUTE: '2',
        ...(trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy }),
      },
    });
  });

  afterAll(async () => {
    closeAll(open);
    await t.close();
  });

  test('X-Forwarded-For names the client only when the proxy is trusted', async () => {
    const sam = await newParticipant(t);
    const visitor = { forwardedFor: '203.0.113.10' };
    const another = { forwardedFor: '198.51.100.20' };
    expect(await handshake(t, sam.token, open, visitor)).toBe('connected');
    expect(await handshake(t, sam.token, open, visitor)).toBe('RATE_LIMITED');
    expect(await handshake(t, sam.token, open, visitor)).toBe('RATE_LIMITED');
    expect((await upgrade(t, visitor)).status).toBe(429);
    // Trusted: another visitor behind the same proxy is someone else. Not trusted: every
    // request is the proxy's (127.0.0.1), whatever the header says, so all are refused.
    expect((await upgrade(t, another)).status).toBe(trustProxy === undefined ? 429 : 101);
    // And the header alone cannot get a client out of it.
    expect((await upgrade(t, { forwardedFor: '192.0.2.99, 203.0.113.10' })).status).toBe(429);
  });
});

describe('UpgradeGuard', () => {
  test('forgets an address once its buckets are full again: no map that only grows', () => {
    let now = 1_000_000;
    const guard = new UpgradeGuard(
      { connectBurst: 5, connectsPerMinute: 60, refusalsPerMinute: 6 },
      () => now,
    );
    try {
      for (let n = 0; n < 1000; n++) {
        expect(guard.admit(`v4:${n.toString(16)}`)).toBe(0);
        guard.noteRefusal(`v4:${n.toString(16)}`);
      }
      for (let i = 0; i < 6; i++) guard.noteRefusal('v4:flood');
      expect(guard.admit('v4:flood')).toBeGreaterThan(0);
      expect(guard.size).toEqual({ connecting: 1000, refused: 1001 });

      // Connections come back at one a second: those buckets are full again, and forgotten;
      // refusals at one every 10 s are still being counted.
      now += 5_000;
      guard.sweep();
      expect(guard.size).toEqual({ connecting: 0, refused: 1001 });
      // A minute on, every bucket is full again and the address is as good as never seen.
      now += 60_000;
      guard.sweep();
      expect(guard.size).toEqual({ connecting: 0, refused: 0 });
      expect(guard.admit('v4:flood')).toBe(0);
    } finally {
      guard.close();
    }
  });

  test('connections: a burst, then the rate; the wait says when the next one may come', () => {
    let now = 0;
    const guard = new UpgradeGuard(
      { connectBurst: 3, connectsPerMinute: 60, refusalsPerMinute: 30 },
      () => now,
    );
    try {
      expect([0, 1, 2].map(() => guard.admit('v4:a'))).toEqual([0, 0, 0]);
      expect(guard.admit('v4:a')).toBe(1000);
      expect(guard.admit('v4:b')).toBe(0);
      now += 1000;
      expect(guard.admit('v4:a')).toBe(0);
    } finally {
      guard.close();
    }
  });
});
