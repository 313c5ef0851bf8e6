/**
 * End-to-end: the handshake limits of /rooms that keep one client from taking the service from
 * everyone else (found by bench/abuse.bench.ts: one client could hold 500 sockets on one token,
 * every one of them in the room, and guess tokens without end). Open connections per
 * participant token (ROOM_SOCKETS_PER_PARTICIPANT) and per client address
 * (ROOM_SOCKETS_PER_ADDRESS), and failed token checks per address, at the handshake and at
 * POST /participants/refresh alike (TOKEN_FAILURES_PER_MINUTE): each refused with the contract's
 * RATE_LIMITED, each slot given back when a connection ends, however it ends.
 * Every client of a test comes from 127.0.0.1: one address.
 */
import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import { ParticipantsService } from '../../src/participants/participants.service.js';
import { RoomBroadcaster } from '../../src/rooms/realtime/room-broadcaster.js';
import { SocketAuth } from '../../src/rooms/realtime/socket-auth.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, login } from '../support/http.js';
import { connectSocket, emitAck, newParticipant, type Participant } from '../support/sockets.js';
import { createFacilitator } from '../moderation/moderation-fixtures.js';
import {
  connectRaw,
  createRoom,
  disconnected,
  eventually,
  joinAs,
  messageArrives,
  ROOMS_ENV,
  sendOk,
  SocketJar,
} from './room-fixtures.js';

function guess(): string {
  return randomBytes(32).toString('base64url');
}

/** The code of the handshake's connect_error, or 'connected' (the socket is kept in the jar). */
async function handshake(t: TestApp, jar: SocketJar, token: string): Promise<string> {
  const { socket, error } = await connectRaw(t.baseUrl, { token });
  if (error === undefined) {
    jar.add(socket);
    return 'connected';
  }
  return error.data?.code ?? `no code: ${error.message}`;
}

function tracked(t: TestApp): { participants: number; addresses: number } {
  return t.app.get(SocketAuth).tracked;
}

/** Until the service has seen every connection end (nothing counted is left behind). */
async function allReleased(t: TestApp): Promise<void> {
  await eventually(async () => {
    const now = tracked(t);
    return Promise.resolve(now.participants === 0 && now.addresses === 0);
  });
}

describe('connections per participant token and per address', () => {
  let t: TestApp;
  let adminToken: string;
  const jar = new SocketJar();

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...ROOMS_ENV,
        ROOM_SOCKETS_PER_PARTICIPANT: '2',
        ROOM_SOCKETS_PER_ADDRESS: '4',
      },
    });
    adminToken = await login(t);
  });

  afterEach(async () => {
    jar.closeAll();
    await allReleased(t);
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  test('a third socket on one participant token → RATE_LIMITED; the first two keep working', async () => {
    const room = await createRoom(t, adminToken);
    const sam = await newParticipant(t);
    const first = await joinAs(t, jar, room.id, 'Sam', { participant: sam });
    const second = jar.add(await connectSocket(t.baseUrl, sam.token));
    expect((await emitAck(second, 'room:join', { roomId: room.id, handle: 'Sam' })).ok).toBe(true);

    // Refused before the token is looked up: a client hammering away costs no database work.
    const participants = t.app.get(ParticipantsService);
    const authenticate = participants.authenticate.bind(participants);
    let lookups = 0;
    participants.authenticate = (token: string) => {
      lookups++;
      return authenticate(token);
    };
    try {
      expect(await handshake(t, jar, sam.token)).toBe('RATE_LIMITED');
      // The refusal names the contract code and says what to do.
      const refused = await connectRaw(t.baseUrl, { token: sam.token });
      expect(refused.error?.data).toEqual({
        code: 'RATE_LIMITED',
        message: expect.any(String) as string,
      });
    } finally {
      participants.authenticate = authenticate;
    }
    expect(lookups).toBe(0);
    // And costs the others nothing.
    const arrival = messageArrives(second, 'still here');
    await sendOk(first.socket, room.id, 'still here');
    await arrival;
    // Someone else, from the same address, is under no participant limit of Sam's.
    expect(await handshake(t, jar, (await newParticipant(t)).token)).toBe('connected');
    expect(tracked(t)).toEqual({ participants: 2, addresses: 1 });
  });

  test('a burst of handshakes on one token looks the token up no more often than it may connect', async () => {
    const sam = await newParticipant(t);
    const participants = t.app.get(ParticipantsService);
    const authenticate = participants.authenticate.bind(participants);
    let lookups = 0;
    participants.authenticate = (token: string) => {
      lookups++;
      return authenticate(token);
    };
    let answers: string[];
    try {
      // All at once: each one's slot is taken before its token is checked, so the others
      // are refused on the count alone, with no database work.
      answers = await Promise.all(Array.from({ length: 12 }, () => handshake(t, jar, sam.token)));
    } finally {
      participants.authenticate = authenticate;
    }
    expect(answers.filter((a) => a === 'connected')).toHaveLength(2);
    expect(answers.filter((a) => a === 'RATE_LIMITED')).toHaveLength(10);
    expect(lookups).toBe(2);
    expect(tracked(t)).toEqual({ participants: 1, addresses: 1 });
  });

  test('a socket that ends gives its slot back: disconnect, then the same token connects again', async () => {
    const sam = await newParticipant(t);
    const a = jar.add(await connectSocket(t.baseUrl, sam.token));
    jar.add(await connectSocket(t.baseUrl, sam.token));
    expect(await handshake(t, jar, sam.token)).toBe('RATE_LIMITED');

    a.disconnect();
    await eventually(async () => (await handshake(t, jar, sam.token)) === 'connected');
    expect(await handshake(t, jar, sam.token)).toBe('RATE_LIMITED');
  });

  test('a socket the server ends (a disabled account) gives its address slot back', async () => {
    const lee = await createFacilitator(t, adminToken, 'Lee');
    const people = await Promise.all([1, 2, 3].map(() => newParticipant(t)));
    for (const person of people) jar.add(await connectSocket(t.baseUrl, person.token));
    const leeSocket = jar.add(await connectSocket(t.baseUrl, lee.token));
    const extra = await newParticipant(t);
    expect(await handshake(t, jar, extra.token)).toBe('RATE_LIMITED');

    const ended = disconnected(leeSocket);
    const res = await api(t, 'PATCH', `/facilitators/${lee.id}`, {
      token: adminToken,
      body: { disabled: true },
    });
    expect(res.status).toBe(200);
    await ended;
    await eventually(async () => (await handshake(t, jar, extra.token)) === 'connected');
  });

  test('a fifth socket from one address → RATE_LIMITED, whoever asks (facilitators too), before any token check', async () => {
    const people: Participant[] = await Promise.all([1, 2, 3].map(() => newParticipant(t)));
    for (const person of people) jar.add(await connectSocket(t.baseUrl, person.token));
    // Facilitators count against their address as well.
    jar.add(await connectSocket(t.baseUrl, adminToken));
    expect(tracked(t)).toEqual({ participants: 3, addresses: 1 });

    expect(await handshake(t, jar, (await newParticipant(t)).token)).toBe('RATE_LIMITED');
    expect(await handshake(t, jar, adminToken)).toBe('RATE_LIMITED');
    // Refused on the address alone: an invalid token gets no UNAUTHORIZED (no check was made).
    expect(await handshake(t, jar, guess())).toBe('RATE_LIMITED');
  });

  test('a client that leaves while its token is being checked is never counted', async () => {
    const sam = await newParticipant(t);
    // Holds the token check open (the database is real; only the moment is chosen).
    const participants = t.app.get(ParticipantsService);
    const authenticate = participants.authenticate.bind(participants);
    let entered!: () => void;
    const inCheck = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let checked: Promise<unknown> = Promise.resolve();
    participants.authenticate = (token: string) => {
      entered();
      checked = gate.then(() => authenticate(token));
      return checked as ReturnType<typeof authenticate>;
    };
    try {
      const engine = engineOf(t);
      const before = engine.clientsCount;
      const socket = io(`${t.baseUrl}/rooms`, {
        transports: ['websocket'],
        auth: { token: sam.token },
        reconnection: false,
        forceNew: true,
      });
      await inCheck;
      socket.disconnect();
      await eventually(() => Promise.resolve(engine.clientsCount === before));
    } finally {
      participants.authenticate = authenticate;
      release();
    }
    await checked;
    // The middleware's last step runs right after the check.
    await new Promise((resolve) => setImmediate(resolve));
    expect(tracked(t)).toEqual({ participants: 0, addresses: 0 });
    expect(await handshake(t, jar, sam.token)).toBe('connected');
    expect(await handshake(t, jar, sam.token)).toBe('connected');
  });
});

/** The Engine.IO server under /rooms (its count of open transports). */
function engineOf(t: TestApp): { clientsCount: number } {
  const broadcaster: unknown = t.app.get(RoomBroadcaster);
  // Private on purpose (only the gateway attaches it); read here to see transports close.
  return (broadcaster as { namespace: { server: { engine: { clientsCount: number } } } }).namespace
    .server.engine;
}

describe('failed token checks per address', () => {
  let t: TestApp;
  const jar = new SocketJar();

  beforeAll(async () => {
    t = await startTestApp({ env: { ...ROOMS_ENV, TOKEN_FAILURES_PER_MINUTE: '4' } });
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  test('guessing tokens: UNAUTHORIZED until the budget is spent, then RATE_LIMITED at the handshake and at refresh alike', async () => {
    const sam = await newParticipant(t);
    // Successes never count.
    for (let i = 0; i < 5; i++) expect(await handshake(t, jar, sam.token)).toBe('connected');
    jar.closeAll();
    expect((await api(t, 'POST', '/participants/refresh', { token: sam.token })).status).toBe(200);

    // Two wrong guesses at refresh, two at the handshake: one budget for both.
    for (let i = 0; i < 2; i++) {
      const res = await api<{ error: { code: string } }>(t, 'POST', '/participants/refresh', {
        token: guess(),
      });
      expect({ status: res.status, code: res.body.error.code }).toEqual({
        status: 401,
        code: 'UNAUTHORIZED',
      });
    }
    expect(await handshake(t, jar, guess())).toBe('UNAUTHORIZED');
    expect(await handshake(t, jar, 'not even shaped like a token')).toBe('UNAUTHORIZED');

    expect(await handshake(t, jar, guess())).toBe('RATE_LIMITED');
    const refresh = await api<{ error: { code: string; message: string } }>(
      t,
      'POST',
      '/participants/refresh',
      { token: guess() },
    );
    expect({ status: refresh.status, code: refresh.body.error.code }).toEqual({
      status: 429,
      code: 'RATE_LIMITED',
    });
    // The address waits, whatever it holds: no check is made until the budget refills.
    expect(await handshake(t, jar, sam.token)).toBe('RATE_LIMITED');
    expect((await api(t, 'POST', '/participants/refresh', { token: sam.token })).status).toBe(429);
    // Issuing identities is another matter (its own limit).
    expect((await api(t, 'POST', '/participants')).status).toBe(201);
  });
});
