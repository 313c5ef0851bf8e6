/**
 * Property-based: every client → server event of namespace /rooms (CONTRACT.md §3, participant
 * and facilitator ones) under thousands of generated payloads, from participant sockets and from
 * facilitator sockets, all joined to one room that a bystander is also in.
 *
 * - a malformed payload (wrong types, deep nesting, prototype keys, huge arrays and strings,
 *   binary, missing or unknown fields, no payload, extra arguments) is answered
 *   `{ ok: false, error: { code: 'VALIDATION_FAILED' } }`;
 * - a well-formed payload full of SQL, HTML and broken Unicode gets an answer in the contract's
 *   vocabulary, never INTERNAL, and a participant never gets a facilitator event through;
 * - no socket is disconnected, the bystander still receives what is said after the storm, the
 *   service is healthy, nothing is logged as an error and no prototype is polluted.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../support/app.js';
import { login } from '../support/http.js';
import { capturedLogs } from '../support/logs.js';
import { connectSocket, emitAck } from '../support/sockets.js';
import {
  createRoom,
  joinAs,
  messageArrives,
  ROOMS_ENV,
  sendOk,
  SocketJar,
  type JoinAck,
  type Joined,
} from '../rooms/room-fixtures.js';
import { assign, createFacilitator } from '../moderation/moderation-fixtures.js';
import {
  CONTRACT_CODES,
  expectNothingPolluted,
  malformed,
  prototypeSnapshot,
  SEED,
  wellFormed,
  type Shape,
} from './hostile-values.js';
import type { ClientEvents } from '../../src/rooms/room-events.js';
import { describeArgs, encodedSize, PacedSockets, type Reply } from './paced-sockets.js';

const room: Shape = { roomId: { kind: 'uuid', required: true } };
const reason = { kind: 'text', min: 1, max: 500 } as const;
const member: Shape = { ...room, memberId: { kind: 'uuid', required: true } };

/**
 * Every client → server event with its payload's fields (src/rooms/dto, src/moderation/dto).
 * Keyed by the realtime contract's own event type: an event added there and not here does not
 * compile.
 */
const EVENTS: Record<keyof ClientEvents, Shape> = {
  'room:join': { ...room, handle: { kind: 'text', min: 1, max: 24, required: true } },
  'room:leave': room,
  'message:send': {
    ...room,
    clientId: { kind: 'uuid', required: true },
    body: { kind: 'text', min: 1, max: 2000, required: true },
  },
  'room:sync': { ...room, afterSeq: { kind: 'int', min: 0, required: true } },
  'message:history': {
    ...room,
    beforeSeq: { kind: 'int', min: 1 },
    limit: { kind: 'int', min: 1, max: 100 },
  },
  'message:report': {
    ...room,
    messageId: { kind: 'uuid', required: true },
    reason: { ...reason, required: true },
  },
  'hand:raise': room,
  'hand:lower': room,
  typing: room,
  'attendance:certificate': { ...room, nameOnCertificate: { kind: 'text', min: 1, max: 80 } },
  'mod:mute': { ...member, reason, minutes: { kind: 'int', min: 1, max: 525_600 } },
  'mod:unmute': { ...member, reason, minutes: { kind: 'int', min: 1, max: 525_600 } },
  'mod:kick': { ...member, reason },
  'mod:ban': {
    ...member,
    reason,
    minutes: { kind: 'int', min: 1, max: 525_600 },
    scope: { kind: 'enum', values: ['room', 'group'] },
  },
  'mod:delete': { ...room, messageId: { kind: 'uuid', required: true }, reason },
  'mod:pin': { ...room, messageId: { kind: 'uuid', required: true, nullable: true } },
  'mod:admit': member,
  'room:update': {
    ...room,
    locked: { kind: 'bool' },
    slowModeSeconds: { kind: 'int', min: 0, max: 3600 },
    shareSeconds: { kind: 'int', min: 10, max: 3600 },
    waitingRoom: { kind: 'bool' },
  },
  'share:next': room,
  'share:end': room,
  'room:close': room,
};
const EVENT_NAMES = Object.keys(EVENTS) as (keyof ClientEvents)[];
const FACILITATOR_EVENTS = new Set([
  ...EVENT_NAMES.filter((e) => e.startsWith('mod:')),
  'room:update',
  'share:next',
  'share:end',
  'room:close',
]);

/**
 * Events whose well-formed payloads may name the real room: what they can change there is
 * harmless to the rest of the run. The others (leaving, closing, locking the room) get random
 * room ids, so they are answered NOT_FOUND or NOT_IN_ROOM instead of ending the experiment.
 */
const REAL_ROOM_EVENTS = new Set([
  'room:join',
  'message:send',
  'room:sync',
  'message:history',
  'message:report',
  'hand:raise',
  'hand:lower',
  'typing',
  'attendance:certificate',
  'mod:mute',
  'mod:unmute',
  'mod:kick',
  'mod:ban',
  'mod:delete',
  'mod:pin',
  'mod:admit',
]);

interface Case {
  event: string;
  malformed: boolean;
  label: string;
  args: unknown[];
}

function casesFor(roomId: string): fc.Arbitrary<Case> {
  const perEvent = EVENT_NAMES.map((event) => {
    const shape = EVENTS[event];
    const roomIds = REAL_ROOM_EVENTS.has(event)
      ? fc.oneof({ arbitrary: fc.constant(roomId), weight: 3 }, fc.uuid())
      : fc.uuid();
    const valid = wellFormed(shape, { roomId: roomIds });
    return fc.oneof(
      {
        arbitrary: malformed(shape, valid, { topLevel: true }).map((m) => ({
          event,
          malformed: true,
          ...m,
        })),
        weight: 3,
      },
      {
        arbitrary: valid.map((payload) => ({
          event,
          malformed: false,
          label: 'well-formed',
          args: [payload],
        })),
        weight: 1,
      },
    );
  });
  return fc.oneof(...perEvent);
}

interface Failure {
  event: string;
  label: string;
  sent: string;
  reply: Reply;
}

/** What is wrong with `reply` as the answer to `c` from a socket of this role (undefined: right). */
function judge(c: Case, reply: Reply, role: 'participant' | 'facilitator'): string | undefined {
  const shapeOk =
    typeof reply === 'object' &&
    reply !== null &&
    (reply.ok
      ? 'data' in reply && Object.keys(reply).sort().join() === 'data,ok'
      : Object.keys(reply).sort().join() === 'error,ok' &&
        typeof reply.error?.message === 'string' &&
        Object.keys(reply.error).sort().join() === 'code,message');
  if (!shapeOk) return 'the ack is not { ok, data } or { ok: false, error: { code, message } }';
  if (c.malformed) {
    return !reply.ok && reply.error?.code === 'VALIDATION_FAILED'
      ? undefined
      : 'a malformed payload must get VALIDATION_FAILED';
  }
  if (!reply.ok) {
    const code = reply.error?.code ?? '';
    if (!CONTRACT_CODES.includes(code)) return `${code} is not a contract code`;
    if (code === 'INTERNAL') return 'INTERNAL for client input';
    return undefined;
  }
  if (role === 'participant' && FACILITATOR_EVENTS.has(c.event))
    return 'a participant got a facilitator event through';
  return undefined;
}

describe('hostile payloads on every socket event (property-based, fast-check)', () => {
  let t: TestApp;
  let admin: string;
  let roomId: string;
  let bystander: Joined;
  let participants: Socket[];
  let facilitators: Socket[];
  const jar = new SocketJar();
  const disconnects: string[] = [];
  const prototypesBefore = prototypeSnapshot();

  function watch(socket: Socket, name: string): Socket {
    socket.on('disconnect', (why: string) => disconnects.push(`${name}: ${why}`));
    return socket;
  }

  beforeAll(async () => {
    t = await startTestApp({ env: ROOMS_ENV });
    admin = await login(t);
    roomId = (await createRoom(t, admin)).id;
    const host = await createFacilitator(t, admin, 'Hostile Host');
    await assign(t, admin, host.id, { roomId });
    bystander = await joinAs(t, jar, roomId, 'Bystander');
    watch(bystander.socket, 'bystander');
    participants = [];
    for (let i = 0; i < 6; i++) {
      const joined = await joinAs(t, jar, roomId, `Prober ${i}`);
      participants.push(watch(joined.socket, `participant ${i}`));
    }
    facilitators = [];
    for (let i = 0; i < 4; i++) {
      const socket = jar.add(await connectSocket(t.baseUrl, host.token));
      const reply = await emitAck<JoinAck>(socket, 'room:join', { roomId, handle: 'Host' });
      if (!reply.ok || reply.data?.self.role !== 'facilitator')
        throw new Error(`facilitator join failed: ${JSON.stringify(reply)}`);
      facilitators.push(watch(socket, `facilitator ${i}`));
    }
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  /** Runs the property over one role's sockets: `numRuns` batches of `batch` concurrent events. */
  async function storm(
    role: 'participant' | 'facilitator',
    sockets: Socket[],
    numRuns: number,
    batch: number,
  ): Promise<{ sent: number; accepted: Record<string, number> }> {
    const paced = new PacedSockets(sockets);
    let sent = 0;
    const accepted: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.array(casesFor(roomId), { minLength: batch, maxLength: batch }),
        async (cases) => {
          const failures: Failure[] = [];
          await Promise.all(
            cases.map(async (c) => {
              const size = encodedSize(c.args);
              if (size >= 1_000_000)
                throw new Error(`generated a ${size}-byte frame: keep under 1 MB`);
              const { reply } = await paced.emit(c.event, c.args);
              sent++;
              if (reply.ok) accepted[c.event] = (accepted[c.event] ?? 0) + 1;
              const wrong = judge(c, reply, role);
              if (wrong !== undefined)
                failures.push({
                  event: c.event,
                  label: `${c.label}: ${wrong}`,
                  sent: describeArgs(c.args),
                  reply,
                });
            }),
          );
          const gone = sockets.filter((s) => !s.connected).length;
          if (failures.length > 0 || gone > 0 || disconnects.length > 0) {
            throw new Error(
              JSON.stringify(
                { failures: failures.slice(0, 5), disconnectedProbers: gone, disconnects },
                null,
                1,
              ),
            );
          }
        },
      ),
      { seed: SEED, numRuns, endOnFailure: true },
    );
    return { sent, accepted };
  }

  /** The room and the service work as before: the bystander hears a newcomer, /health is ok. */
  async function expectUnharmed(logsBefore: number): Promise<void> {
    expect(disconnects).toEqual([]);
    for (const socket of [bystander.socket, ...participants, ...facilitators])
      expect(socket.connected).toBe(true);
    const newcomer = await joinAs(t, jar, roomId, `Newcomer ${randomUUID().slice(0, 6)}`);
    const body = `after the storm ${randomUUID()}`;
    const heard = messageArrives(bystander.socket, body);
    await sendOk(newcomer.socket, roomId, body);
    expect((await heard).author.memberId).toBe(newcomer.self.memberId);
    const health = await fetch(`${t.baseUrl}/health`);
    expect({ status: health.status, body: (await health.json()) as unknown }).toEqual({
      status: 200,
      body: { status: 'ok', db: 'up' },
    });
    expectNothingPolluted(prototypesBefore);
    const errors = capturedLogs
      .slice(logsBefore)
      .filter((line) => line.includes('"level":"error"'));
    expect(errors).toEqual([]);
  }

  test('participant sockets: 1,200 generated events over all 21 events', async () => {
    const logsBefore = capturedLogs.length;
    const { sent, accepted } = await storm('participant', participants, 50, 24);
    expect(sent).toBe(50 * 24);
    // The well-formed share reached the room, not only the validator: hostile text was stored.
    for (const event of ['room:join', 'message:send', 'room:sync', 'message:history', 'hand:raise'])
      expect({ event, accepted: (accepted[event] ?? 0) > 0 }).toEqual({ event, accepted: true });
    await expectUnharmed(logsBefore);
  });

  test('facilitator sockets: 960 generated events over all 21 events', async () => {
    const logsBefore = capturedLogs.length;
    const { sent, accepted } = await storm('facilitator', facilitators, 40, 24);
    expect(sent).toBe(40 * 24);
    for (const event of ['room:join', 'message:send', 'message:history'])
      expect({ event, accepted: (accepted[event] ?? 0) > 0 }).toEqual({ event, accepted: true });
    await expectUnharmed(logsBefore);
  });
});
