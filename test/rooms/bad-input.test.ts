/**
 * End-to-end: hostile and malformed input on every client event of the rooms namespace
 * (CONTRACT.md §3: "A malformed payload … gets VALIDATION_FAILED when it has an ack, and never
 * crashes the connection or the server"). For each event: non-objects, wrong types per field,
 * missing and unknown fields, prototype keys, huge strings, unknown rooms, events before joining,
 * no ack at all. Every bad event is answered, the socket stays connected, a bystander in the room
 * receives nothing because of it, and the server keeps answering.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../support/app.js';
import { login } from '../support/http.js';
import { capturedLogs } from '../support/logs.js';
import { connectSocket, emitAck, newParticipant, nextEvent } from '../support/sockets.js';
import {
  barrier,
  createRoom,
  disconnected,
  joinAs,
  lacksMember,
  messageArrives,
  ROOMS_ENV,
  sendOk,
  settle,
  SocketJar,
  waitForPresence,
  type JoinAck,
  type Joined,
  type MessageView,
} from './room-fixtures.js';

type Reply = { ok: boolean; data?: unknown; error?: { code: string; message: string } };

const EVENTS = [
  'room:join',
  'room:leave',
  'message:send',
  'room:sync',
  'message:history',
  'message:report',
  'hand:raise',
  'hand:lower',
  'typing',
  'attendance:certificate',
] as const;
type ClientEvent = (typeof EVENTS)[number];

const HUGE = 'x'.repeat(300 * 1024);
const UNKNOWN_ROOM = randomUUID();

interface Variant {
  label: string;
  /** The arguments before the ack callback. */
  args: unknown[];
}

/** What a correct payload for each event looks like, and the wrong values to try per field. */
function shapes(
  roomId: string,
  messageId: string,
): Record<ClientEvent, { valid: Record<string, unknown>; wrong: Record<string, unknown[]> }> {
  const wrongUuid = [123, true, {}, [roomId], 'not-a-uuid', '', `${roomId} `, HUGE, null];
  return {
    'room:join': {
      valid: { roomId, handle: 'Prober' },
      wrong: { roomId: wrongUuid, handle: [123, true, {}, ['Sam'], null, HUGE, ''] },
    },
    'room:leave': { valid: { roomId }, wrong: { roomId: wrongUuid } },
    'message:send': {
      valid: { roomId, clientId: randomUUID(), body: 'a valid message' },
      wrong: {
        roomId: wrongUuid,
        clientId: [123, 'not-a-uuid', {}, HUGE, null],
        body: [123, true, {}, ['hi'], null, HUGE, ''],
      },
    },
    'room:sync': {
      valid: { roomId, afterSeq: 0 },
      wrong: { roomId: wrongUuid, afterSeq: ['0', true, {}, [0], 1.5, -1, null, 1e300, HUGE] },
    },
    'message:history': {
      valid: { roomId, beforeSeq: 10, limit: 5 },
      wrong: {
        roomId: wrongUuid,
        beforeSeq: ['5', -3, 1.5, {}, [5], true, 1e300, HUGE],
        limit: ['5', 0, 101, 1.5, {}, true, -1, 1e300],
      },
    },
    'message:report': {
      valid: { roomId, messageId, reason: 'spam' },
      wrong: {
        roomId: wrongUuid,
        messageId: [123, 'nope', {}, [messageId], null, HUGE],
        reason: [123, {}, ['spam'], null, '', HUGE],
      },
    },
    'hand:raise': { valid: { roomId }, wrong: { roomId: wrongUuid } },
    'hand:lower': { valid: { roomId }, wrong: { roomId: wrongUuid } },
    typing: { valid: { roomId }, wrong: { roomId: wrongUuid } },
    'attendance:certificate': {
      valid: { roomId, nameOnCertificate: 'Sam Smith' },
      wrong: {
        roomId: wrongUuid,
        nameOnCertificate: [123, {}, ['Sam'], true, '', 'x'.repeat(81), HUGE],
      },
    },
  };
}

const OPTIONAL: Record<string, true> = { beforeSeq: true, limit: true, nameOnCertificate: true };

function describeValue(v: unknown): string {
  if (typeof v === 'string')
    return v.length > 40 ? `a ${v.length}-character string` : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

function variantsFor(event: ClientEvent, roomId: string, messageId: string): Variant[] {
  const { valid, wrong } = shapes(roomId, messageId)[event];
  const variants: Variant[] = [
    { label: 'no payload', args: [] },
    { label: 'null', args: [null] },
    { label: 'a number', args: [42] },
    { label: 'a string', args: ['{"roomId":"x"}'] },
    { label: 'a boolean', args: [true] },
    { label: 'an array holding the valid payload', args: [[valid]] },
    { label: 'two arguments', args: [valid, valid] },
    { label: 'an empty object', args: [{}] },
    { label: 'an unknown extra field', args: [{ ...valid, extra: 1 }] },
    { label: 'a role claimed in the payload', args: [{ ...valid, role: 'facilitator' }] },
    { label: 'a huge unknown field', args: [{ ...valid, junk: HUGE }] },
  ];
  for (const field of Object.keys(valid)) {
    if (!OPTIONAL[field]) {
      const rest = Object.fromEntries(Object.entries(valid).filter(([key]) => key !== field));
      variants.push({ label: `${field} missing`, args: [rest] });
    }
  }
  for (const [field, values] of Object.entries(wrong)) {
    for (const value of values) {
      variants.push({
        label: `${field} = ${describeValue(value)}`,
        args: [{ ...valid, [field]: value }],
      });
    }
  }
  return variants;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Emits with an ack; an event that is never answered comes back as the code NO_ANSWER. */
async function emitVariant(socket: Socket, event: string, args: unknown[]): Promise<Reply> {
  try {
    return (await socket.timeout(3_000).emitWithAck(event, ...args)) as Reply;
  } catch {
    return { ok: false, error: { code: 'NO_ANSWER', message: 'no ack within 3 s' } };
  }
}

describe('bad input on every client event', () => {
  let t: TestApp;
  let admin: string;
  let roomId: string;
  let messageId: string;
  let speaker: Joined;
  let bystander: Joined;
  let probeCount = 0;
  const jar = new SocketJar();

  beforeAll(async () => {
    t = await startTestApp({ env: ROOMS_ENV });
    admin = await login(t);
    roomId = (await createRoom(t, admin)).id;
    speaker = await joinAs(t, jar, roomId, 'Speaker');
    // Presence updates are coalesced and come a moment later: let this one land before any
    // test starts watching what the bystander receives.
    const settled = nextEvent<{ members: unknown[] }>(
      speaker.socket,
      'presence',
      (e) => e.members.length === 2,
    );
    bystander = await joinAs(t, jar, roomId, 'Bystander');
    await settled;
    messageId = (await sendOk(speaker.socket, roomId, 'something to report')).id;
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  /** A participant socket joined to the room; resolves once the bystander has seen them arrive. */
  async function joinedProber(): Promise<Joined> {
    const p = await newParticipant(t);
    const socket = jar.add(await connectSocket(t.baseUrl, p.token));
    const handle = `Prober ${probeCount++}`;
    const seen = nextEvent<{ roomId: string; members: { memberId: string; handle: string }[] }>(
      bystander.socket,
      'presence',
      (e) => e.members.some((m) => m.handle === handle),
    );
    const reply = await emitAck<JoinAck>(socket, 'room:join', {
      roomId,
      handle,
    });
    if (!reply.ok) throw new Error(`prober join failed: ${JSON.stringify(reply.error)}`);
    await seen;
    const ack = reply.data as JoinAck;
    return { socket, participant: p, self: ack.self, ack };
  }

  async function bareProber(): Promise<Socket> {
    return jar.add(await connectSocket(t.baseUrl, (await newParticipant(t)).token));
  }

  /** Records what the bystander receives while `work` runs, up to a barrier message after it. */
  async function bystanderSees(work: () => Promise<void>): Promise<[string, unknown][]> {
    const seen: [string, unknown][] = [];
    const listener = (event: string, payload: unknown): void => {
      seen.push([event, payload]);
    };
    bystander.socket.onAny(listener);
    try {
      await work();
      const mark = await barrier(speaker.socket, roomId, [bystander.socket]);
      return seen.filter(
        ([event, p]) => !(event === 'message:new' && (p as MessageView).id === mark.id),
      );
    } finally {
      bystander.socket.offAny(listener);
    }
  }

  function expectNoPollution(): void {
    const probe = {} as Record<string, unknown>;
    expect(probe.polluted).toBeUndefined();
    expect(probe.isAdmin).toBeUndefined();
  }

  test.each(EVENTS)(
    '%s: every malformed payload → VALIDATION_FAILED, connection kept, nothing broadcast',
    async (event) => {
      const logsBefore = capturedLogs.length;
      const variants = variantsFor(event, roomId, messageId);
      // The socket's own flood limit is 40 events at once: spread the variants over sockets.
      const groups = chunks(variants, 30);
      const probers: Socket[] = [];
      for (let i = 0; i < groups.length; i++) {
        probers.push(event === 'room:join' ? await bareProber() : (await joinedProber()).socket);
      }
      const results: { label: string; code: string | undefined; ok: boolean }[] = [];
      const seen = await bystanderSees(async () => {
        for (const [i, group] of groups.entries()) {
          const socket = probers[i] as Socket;
          for (const variant of group) {
            const reply = await emitVariant(socket, event, variant.args);
            results.push({ label: variant.label, code: reply.error?.code, ok: reply.ok });
          }
        }
      });
      expect(results).toEqual(
        variants.map((v) => ({
          label: v.label,
          code: 'VALIDATION_FAILED',
          ok: false,
        })),
      );
      expect(seen).toEqual([]);
      for (const socket of probers) expect(socket.connected).toBe(true);
      expectNoPollution();
      // Nothing went wrong on the server's side.
      const errors = capturedLogs
        .slice(logsBefore)
        .filter((line) => line.includes('"level":"error"'));
      expect(errors).toEqual([]);

      // The probers still work: a valid event is answered normally.
      for (const socket of probers) {
        if (event === 'room:join') {
          const reply = await emitAck(socket, 'room:join', {
            roomId,
            handle: `Late ${randomUUID().slice(0, 6)}`,
          });
          expect(reply.ok).toBe(true);
        } else {
          const sent = messageArrives(bystander.socket, `still fine after ${event}`);
          expect(
            (
              await emitAck(socket, 'message:send', {
                roomId,
                clientId: randomUUID(),
                body: `still fine after ${event}`,
              })
            ).ok,
          ).toBe(true);
          await sent;
        }
      }
    },
  );

  test('prototype keys (__proto__, constructor) on every event are unknown fields → VALIDATION_FAILED; nothing polluted', async () => {
    const bare = await bareProber();
    const joined = (await joinedProber()).socket;
    // room:leave last: were it accepted, the prober would be out of the room for the rest.
    const order: ClientEvent[] = [
      'room:join',
      'message:send',
      'room:sync',
      'message:history',
      'message:report',
      'hand:raise',
      'hand:lower',
      'typing',
      'attendance:certificate',
      'room:leave',
    ];
    const results: Record<string, string | undefined> = {};
    for (const event of order) {
      const { valid } = shapes(roomId, messageId)[event];
      const payloads: [string, unknown][] = [
        [
          '__proto__',
          JSON.parse(
            `{"__proto__":{"polluted":"yes","isAdmin":true},${JSON.stringify(valid).slice(1)}`,
          ),
        ],
        ['constructor', { ...valid, constructor: { prototype: { polluted: 'yes' } } }],
      ];
      for (const [label, payload] of payloads) {
        const reply = await emitVariant(event === 'room:join' ? bare : joined, event, [payload]);
        // (A Map-free record keyed "__proto__" would itself be a prototype write: prefix the keys.)
        results[`${event} with ${label}`] = reply.ok ? 'accepted' : reply.error?.code;
      }
    }
    expectNoPollution();
    expect(bare.connected && joined.connected).toBe(true);
    expect(results).toEqual(
      Object.fromEntries(
        order.flatMap((e) => [
          [`${e} with __proto__`, 'VALIDATION_FAILED'],
          [`${e} with constructor`, 'VALIDATION_FAILED'],
        ]),
      ),
    );
  });

  test.each(EVENTS.filter((e) => e !== 'typing'))(
    '%s with a valid payload for an unknown room → NOT_FOUND / NOT_IN_ROOM',
    async (event) => {
      const socket = await joinedProber();
      const { valid } = shapes(UNKNOWN_ROOM, messageId)[event];
      const reply = await emitVariant(socket.socket, event, [valid]);
      expect(reply.ok).toBe(false);
      expect(event === 'room:join' ? ['NOT_FOUND'] : ['NOT_FOUND', 'NOT_IN_ROOM']).toContain(
        reply.error?.code,
      );
      expect(socket.socket.connected).toBe(true);
    },
  );

  test('every event but room:join before joining → NOT_IN_ROOM, and nothing reaches the room', async () => {
    const outsider = await bareProber();
    const results: Record<string, string | undefined> = {};
    const seen = await bystanderSees(async () => {
      for (const event of EVENTS) {
        if (event === 'room:join') continue;
        const { valid } = shapes(roomId, messageId)[event];
        if (event === 'typing') {
          outsider.emit('typing', valid);
          continue;
        }
        results[event] = (await emitVariant(outsider, event, [valid])).error?.code;
      }
    });
    expect(results).toEqual({
      'room:leave': 'NOT_IN_ROOM',
      'message:send': 'NOT_IN_ROOM',
      'room:sync': 'NOT_IN_ROOM',
      'message:history': 'NOT_IN_ROOM',
      'message:report': 'NOT_IN_ROOM',
      'hand:raise': 'NOT_IN_ROOM',
      'hand:lower': 'NOT_IN_ROOM',
      'attendance:certificate': 'NOT_IN_ROOM',
    });
    expect(seen).toEqual([]);
    expect(outsider.connected).toBe(true);
  });

  test('events without an ack callback: bad ones are dropped quietly, valid ones still processed', async () => {
    const prober = await joinedProber();
    const seen = await bystanderSees(async () => {
      for (const event of EVENTS) {
        for (const variant of variantsFor(event, roomId, messageId).slice(0, 12)) {
          prober.socket.emit(event, ...variant.args);
        }
        prober.socket.emit(event);
      }
      // Give the server time to work through them (and the socket's flood limit to refill).
      await new Promise((resolve) => setTimeout(resolve, 2_100));
    });
    expect(seen).toEqual([]);
    expect(prober.socket.connected).toBe(true);
    expectNoPollution();

    // A valid message without an ack is still stored and delivered.
    const delivered = messageArrives(bystander.socket, 'sent without an ack');
    prober.socket.emit('message:send', {
      roomId,
      clientId: randomUUID(),
      body: 'sent without an ack',
    });
    const message = await delivered;
    expect(message.author.memberId).toBe(prober.self.memberId);
    const reply = await emitAck(prober.socket, 'message:history', { roomId, limit: 1 });
    expect(reply).toMatchObject({ ok: true, data: { messages: [{ id: message.id }] } });
  });

  test('unknown event names, including prototype names, → VALIDATION_FAILED', async () => {
    const prober = await joinedProber();
    for (const name of [
      'no:such:event',
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'ROOM:JOIN',
      '',
    ]) {
      const reply = await emitVariant(prober.socket, name, [{ roomId }]);
      expect({ name, code: reply.error?.code }).toEqual({ name, code: 'VALIDATION_FAILED' });
    }
    expect(prober.socket.connected).toBe(true);
    expectNoPollution();
  });

  test('a flood of events on one socket is refused with RATE_LIMITED, not a disconnect', async () => {
    const prober = await joinedProber();
    const replies = await Promise.all(
      Array.from({ length: 100 }, () =>
        emitVariant(prober.socket, 'room:sync', [{ roomId, afterSeq: 0 }]),
      ),
    );
    const codes = new Set(replies.map((r) => (r.ok ? 'ok' : r.error?.code)));
    expect([...codes].sort()).toEqual(['RATE_LIMITED', 'ok']);
    expect(prober.socket.connected).toBe(true);
    // The bystander is not slowed down by it.
    expect((await emitAck(bystander.socket, 'room:sync', { roomId, afterSeq: 0 })).ok).toBe(true);
  });

  test('a frame over 1 MB may close that one connection only; the room carries on', async () => {
    const prober = await joinedProber();
    const gone = settle(
      waitForPresence(bystander.socket, roomId, lacksMember(prober.self.memberId)),
    );
    const closed = disconnected(prober.socket);
    const answer = emitVariant(prober.socket, 'message:send', [
      { roomId, clientId: randomUUID(), body: 'y'.repeat(1_100_000) },
    ]).catch((err: unknown) => err);
    const reason = await Promise.race([closed, answer.then(() => 'answered')]);
    if (reason === 'answered') {
      // Answered instead of closed: then it must be a refusal.
      expect(await answer).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    } else {
      // Closed: its member leaves the room for the others.
      expect((await gone).ok).toBe(true);
    }
    expect(bystander.socket.connected).toBe(true);
    expect(speaker.socket.connected).toBe(true);
    const after = messageArrives(bystander.socket, 'after the big frame');
    await sendOk(speaker.socket, roomId, 'after the big frame');
    await after;
    // And newcomers can still join (joinedProber waits for the bystander to see them).
    const newcomer = await joinedProber();
    expect(newcomer.socket.connected).toBe(true);
  });

  test('huge and hostile values never show up in the logs', () => {
    expect(capturedLogs.some((line) => line.includes(HUGE.slice(0, 1000)))).toBe(false);
    expect(capturedLogs.some((line) => line.includes('something to report'))).toBe(false);
  });
});
