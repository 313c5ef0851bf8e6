/**
 * End-to-end: a member flooding a room with hand changes (found by bench/abuse.bench.ts: each
 * raise or lower sends the whole room a new room:state, and the socket's own limit still let
 * 20 a second through, so one member could keep the service busy telling everyone). Hand
 * changes are limited per member (6 at once, then one every 3 s) with RATE_LIMITED; the room
 * hears about the ones that were allowed only, and the member may still do everything else.
 */
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/app.js';
import { login } from '../support/http.js';
import { collect, emitAck } from '../support/sockets.js';
import {
  barrier,
  createRoom,
  joinAs,
  ROOMS_ENV,
  sendOk,
  SocketJar,
  type RoomStateView,
} from './room-fixtures.js';

describe('hand changes per member', () => {
  let t: TestApp;
  let adminToken: string;
  const jar = new SocketJar();

  beforeAll(async () => {
    t = await startTestApp({ env: ROOMS_ENV });
    adminToken = await login(t);
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  test('raise, lower, raise… 20 times at once: 6 go through, 14 get RATE_LIMITED, the room sees 6 updates', async () => {
    const room = await createRoom(t, adminToken);
    const flooder = await joinAs(t, jar, room.id, 'Flood');
    const bystander = await joinAs(t, jar, room.id, 'Calm');
    const states = collect<RoomStateView>(bystander.socket, 'room:state');

    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        emitAck(flooder.socket, i % 2 === 0 ? 'hand:raise' : 'hand:lower', { roomId: room.id }),
      ),
    );
    const codes = replies.map((r) => (r.ok ? 'OK' : r.error?.code));
    expect(codes.filter((c) => c === 'OK')).toHaveLength(6);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(14);

    // Whatever the room was told has arrived once a later message has.
    await barrier(flooder.socket, room.id, [bystander.socket]);
    expect(states.length).toBeLessThanOrEqual(6);
    expect(flooder.socket.connected).toBe(true);
  });

  test('the limit is on hands only: the same member still talks, and others still raise theirs', async () => {
    const room = await createRoom(t, adminToken);
    const flooder = await joinAs(t, jar, room.id, 'Flood');
    const other = await joinAs(t, jar, room.id, 'Other');
    for (let i = 0; i < 8; i++) await emitAck(flooder.socket, 'hand:raise', { roomId: room.id });
    expect(await emitAck(flooder.socket, 'hand:lower', { roomId: room.id })).toEqual({
      ok: false,
      error: { code: 'RATE_LIMITED', message: expect.any(String) as string },
    });
    expect((await sendOk(flooder.socket, room.id, `still here ${randomUUID()}`)).body).toMatch(
      /^still here/,
    );
    expect(await emitAck(other.socket, 'hand:raise', { roomId: room.id })).toEqual({
      ok: true,
      data: { position: 2 },
    });
  });
});
