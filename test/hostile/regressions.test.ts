/**
 * Regression examples for what the property-based tests in this folder found:
 *
 * 1. A payload nested a couple of thousand levels deep (2,000 nested arrays are 4 KB) overflowed
 *    the stack of the validation layer: REST answered 500 INTERNAL, a socket ack INTERNAL, and an
 *    error was logged. Payloads deeper than 32 levels are now refused as VALIDATION_FAILED.
 * 2. Keys that name Object.prototype's members (`toString`, `valueOf`, `constructor`,
 *    `prototype`, `__proto__` in a query) were dropped silently instead of refused like any other
 *    unknown field: a REST body or query and a socket payload with them were accepted.
 */
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, login } from '../support/http.js';
import { capturedLogs } from '../support/logs.js';
import { connectSocket, emitAck, newParticipant } from '../support/sockets.js';
import { createRoom, joinAs, ROOMS_ENV, SocketJar, type RoomDto } from '../rooms/room-fixtures.js';
import { nested } from './hostile-values.js';

interface ApiError {
  error: { code: string; message: string; details: { field?: string; message: string }[] };
}

describe('regressions found by the hostile-input properties', () => {
  let t: TestApp;
  let admin: string;
  const jar = new SocketJar();
  let logsBefore: number;

  beforeAll(async () => {
    t = await startTestApp({ env: ROOMS_ENV });
    admin = await login(t);
    logsBefore = capturedLogs.length;
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  describe('deep nesting is VALIDATION_FAILED, not INTERNAL', () => {
    test.each([
      ['arrays', 'array' as const],
      ['objects', 'object' as const],
    ])('REST: a body field nested 2,000 levels deep in %s', async (_label, kind) => {
      for (const [path, body] of [
        ['/rooms', { name: nested(2000, kind, 'x') }],
        [
          '/meetings',
          {
            name: 'n',
            fellowship: 'na',
            day: nested(2000, kind, 1),
            time: '19:00',
            timezone: 'UTC',
          },
        ],
        ['/imports', { format: 'meeting-guide', source: 'deep', data: [nested(2000, kind, null)] }],
      ] as const) {
        const res = await api<ApiError>(t, 'POST', path, { token: admin, body });
        expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
          path,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
        expect(res.body.error.message).toMatch(/nested more than 32 levels/);
      }
    });

    test('REST: 32 levels are still accepted (an import with nested rows works)', async () => {
      const res = await api<{ errors: unknown[] }>(t, 'POST', '/imports', {
        token: admin,
        body: { format: 'meeting-guide', source: 'shallow', data: [nested(28, 'array', null)] },
      });
      expect(res.status).toBe(200);
      expect(res.body.errors).toHaveLength(1);
    });

    test('socket: a payload nested 3,000 levels deep, as the payload or in a field, on any event', async () => {
      const room = await createRoom(t, admin);
      const prober = await joinAs(t, jar, room.id, 'Deep');
      const cases: [string, unknown][] = [
        ['room:join', nested(3000, 'array', 1)],
        ['room:join', { roomId: nested(3000, 'array', room.id), handle: 'x' }],
        [
          'message:send',
          { roomId: room.id, clientId: randomUUID(), body: nested(3000, 'object', 'x') },
        ],
        ['hand:raise', { roomId: room.id, extra: nested(40, 'array', 0) }],
        ['mod:mute', { roomId: room.id, memberId: nested(2000, 'array', 'x') }],
      ];
      for (const [event, payload] of cases) {
        const reply = await emitAck(prober.socket, event, payload);
        expect({ event, reply }).toEqual({
          event,
          reply: {
            ok: false,
            error: { code: 'VALIDATION_FAILED', message: 'Payload is nested too deeply' },
          },
        });
      }
      expect(prober.socket.connected).toBe(true);
    });

    test('nothing of it was logged as an error', () => {
      const errors = capturedLogs
        .slice(logsBefore)
        .filter((line) => line.includes('"level":"error"'));
      expect(errors).toEqual([]);
    });
  });

  describe('keys named after Object.prototype members are unknown fields, refused', () => {
    const KEYS = [
      'toString',
      'valueOf',
      'hasOwnProperty',
      'constructor',
      'prototype',
      '__defineGetter__',
    ];

    test.each(KEYS)(
      'REST body with "%s": 400 naming the field, and nothing created',
      async (key) => {
        const before = (await api<{ items: RoomDto[] }>(t, 'GET', '/rooms?limit=100')).body.items
          .length;
        const res = await api<ApiError>(t, 'POST', '/rooms', {
          token: admin,
          rawBody: `{"name":"Room with ${key}",${JSON.stringify(key)}:1}`,
        });
        expect({
          status: res.status,
          code: res.body.error?.code,
          details: res.body.error?.details,
        }).toEqual({
          status: 400,
          code: 'VALIDATION_FAILED',
          details: [{ field: key, message: `property ${key} should not exist` }],
        });
        expect(
          (await api<{ items: RoomDto[] }>(t, 'GET', '/rooms?limit=100')).body.items,
        ).toHaveLength(before);
      },
    );

    test.each([...KEYS, '__proto__'])(
      'REST query with "%s": 400, like any unknown parameter',
      async (key) => {
        const res = await api<ApiError>(t, 'GET', `/meetings?${key}=1`);
        expect({
          status: res.status,
          code: res.body.error?.code,
          field: res.body.error?.details[0]?.field,
        }).toEqual({
          status: 400,
          code: 'VALIDATION_FAILED',
          field: key,
        });
      },
    );

    test.each(KEYS.filter((k) => k !== 'constructor' && k !== 'prototype'))(
      'socket payload with "%s": VALIDATION_FAILED, and the event is not carried out',
      async (key) => {
        const room = await createRoom(t, admin);
        const socket = jar.add(await connectSocket(t.baseUrl, (await newParticipant(t)).token));
        const payload: Record<string, unknown> = { roomId: room.id, handle: 'Sneaky' };
        Object.defineProperty(payload, key, { value: 1, enumerable: true });
        const reply = await emitAck(socket, 'room:join', payload);
        expect(reply).toEqual({
          ok: false,
          error: { code: 'VALIDATION_FAILED', message: `property ${key} should not exist` },
        });
        // The join did not happen.
        const after = await emitAck(socket, 'message:send', {
          roomId: room.id,
          clientId: randomUUID(),
          body: 'hi',
        });
        expect(after.error?.code).toBe('NOT_IN_ROOM');
      },
    );
  });
});
