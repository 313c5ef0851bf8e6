/**
 * End-to-end: the share queue (CONTRACT.md §3: hand:raise / hand:lower, share:next / share:end,
 * RoomState.shareQueue and .floor). The floor clears itself when its time runs out, and a member
 * who drops keeps a raised hand's place for two minutes (a job every 15 s; the tests run it by
 * hand, and move `away_since` back in the database to stand in for the minutes passing).
 */
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, login } from '../support/http.js';
import { emitAck, nextEvent } from '../support/sockets.js';
import {
  ackData,
  expectAckError,
  joinAccount,
  joinParticipant,
  MOD_ENV,
  openRoom,
  SocketPool,
  sql,
  tickShareQueues,
  type JoinAck,
  type MemberView,
  type RoomStateView,
} from './moderation-fixtures.js';

interface Presence {
  roomId: string;
  members: MemberView[];
}

describe('the share queue', () => {
  let t: TestApp;
  let admin: string;
  const pool = new SocketPool();

  beforeAll(async () => {
    t = await startTestApp({ env: MOD_ENV });
    admin = await login(t);
  });

  afterAll(async () => {
    pool.closeAll();
    await t.close();
  });

  async function hostedRoom(name: string): Promise<{ roomId: string; host: Socket }> {
    const roomId = await openRoom(t, admin, name);
    const host = await joinAccount(t, pool, roomId, 'Host', admin);
    return { roomId, host: host.socket };
  }

  async function raise(socket: Socket, roomId: string): Promise<number> {
    return ackData(await emitAck<{ position: number }>(socket, 'hand:raise', { roomId })).position;
  }

  /** The room's state as a newcomer would get it with their join ack. */
  async function stateSeenByNewcomer(roomId: string, handle: string): Promise<RoomStateView> {
    const look = await joinParticipant(t, pool, roomId, handle);
    await emitAck(look.socket, 'room:leave', { roomId });
    return look.join.room;
  }

  test('hands queue in the order they were raised; raising again keeps the place; lowering leaves', async () => {
    const { roomId, host } = await hostedRoom('Queue order');
    const ana = await joinParticipant(t, pool, roomId, 'Ana');
    const ben = await joinParticipant(t, pool, roomId, 'Ben');
    const cy = await joinParticipant(t, pool, roomId, 'Cy');

    expect(await raise(ana.socket, roomId)).toBe(1);
    expect(await raise(ben.socket, roomId)).toBe(2);
    const third = nextEvent<RoomStateView>(host, 'room:state', (s) => s.shareQueue.length === 3);
    const shown = nextEvent<Presence>(host, 'presence', (p) =>
      p.members.some((m) => m.memberId === cy.memberId && m.handRaised),
    );
    expect(await raise(cy.socket, roomId)).toBe(3);
    expect((await third).shareQueue).toEqual([ana.memberId, ben.memberId, cy.memberId]);
    await shown;

    expect(await raise(ana.socket, roomId)).toBe(1);
    const lowered = nextEvent<RoomStateView>(host, 'room:state', (s) => s.shareQueue.length === 2);
    expect(await emitAck(ben.socket, 'hand:lower', { roomId })).toEqual({ ok: true, data: {} });
    expect((await lowered).shareQueue).toEqual([ana.memberId, cy.memberId]);
    expect(await raise(ben.socket, roomId)).toBe(3);
  });

  test('share:next gives the first hand the floor for shareSeconds and takes it out of the queue; share:end clears it', async () => {
    const { roomId, host } = await hostedRoom('Floor');
    const ana = await joinParticipant(t, pool, roomId, 'Ana');
    const ben = await joinParticipant(t, pool, roomId, 'Ben');
    await raise(ana.socket, roomId);
    await raise(ben.socket, roomId);
    const shareSeconds = (await api<{ shareSeconds: number }>(t, 'GET', `/rooms/${roomId}`)).body
      .shareSeconds;
    expect(shareSeconds).toBe(180);

    const seen = nextEvent<RoomStateView>(ben.socket, 'room:state', (s) => s.floor !== null);
    const handDown = nextEvent<Presence>(ben.socket, 'presence', (p) =>
      p.members.some((m) => m.memberId === ana.memberId && !m.handRaised),
    );
    const before = Date.now();
    const state = ackData(await emitAck<RoomStateView>(host, 'share:next', { roomId }));
    expect(state.floor).toEqual({ memberId: ana.memberId, endsAt: expect.any(String) as string });
    const endsAt = Date.parse(state.floor?.endsAt ?? '');
    expect(Math.abs(endsAt - (before + shareSeconds * 1000))).toBeLessThanOrEqual(3000);
    expect(state.shareQueue).toEqual([ben.memberId]);
    expect(await seen).toMatchObject({
      floor: { memberId: ana.memberId, endsAt: state.floor?.endsAt },
      shareQueue: [ben.memberId],
    });
    await handDown;

    // The next share takes over the floor.
    const second = ackData(await emitAck<RoomStateView>(host, 'share:next', { roomId }));
    expect(second.floor?.memberId).toBe(ben.memberId);
    expect(second.shareQueue).toEqual([]);

    const cleared = nextEvent<RoomStateView>(ana.socket, 'room:state', (s) => s.floor === null);
    const ended = ackData(await emitAck<RoomStateView>(host, 'share:end', { roomId }));
    expect(ended.floor).toBeNull();
    expect((await cleared).floor).toBeNull();
    expect((await stateSeenByNewcomer(roomId, 'Look')).floor).toBeNull();
  });

  test('share:next with no hand raised changes nothing', async () => {
    const { roomId, host } = await hostedRoom('Empty queue');
    await joinParticipant(t, pool, roomId, 'Ana');
    expectAckError(await emitAck(host, 'share:next', { roomId }), 'CONFLICT');
    const [room] = await sql<{ floor_member_id: string | null }>(
      t,
      'SELECT floor_member_id FROM room WHERE id = $1',
      [roomId],
    );
    expect(room?.floor_member_id).toBeNull();
  });

  test('the floor clears itself when the share time runs out', async () => {
    const { roomId, host } = await hostedRoom('Floor timer');
    const ana = await joinParticipant(t, pool, roomId, 'Ana');
    expect(await emitAck(host, 'room:update', { roomId, shareSeconds: 10 })).toMatchObject({
      ok: true,
    });
    await raise(ana.socket, roomId);
    const started = Date.now();
    const state = ackData(await emitAck<RoomStateView>(host, 'share:next', { roomId }));
    expect(state.floor?.memberId).toBe(ana.memberId);
    const endsAt = Date.parse(state.floor?.endsAt ?? '');
    expect(Math.abs(endsAt - (started + 10_000))).toBeLessThanOrEqual(2000);

    const over = await nextEvent<RoomStateView>(
      ana.socket,
      'room:state',
      (s) => s.floor === null,
      16_000,
    );
    expect(over.floor).toBeNull();
    // Not before its time.
    expect(Date.now()).toBeGreaterThanOrEqual(endsAt - 1000);
    const [room] = await sql<{ floor_member_id: string | null }>(
      t,
      'SELECT floor_member_id FROM room WHERE id = $1',
      [roomId],
    );
    expect(room?.floor_member_id).toBeNull();
  }, 30_000);

  test('a member who drops keeps their place for two minutes: reconnecting in time finds it', async () => {
    const { roomId, host } = await hostedRoom('Grace kept');
    const ana = await joinParticipant(t, pool, roomId, 'Ana');
    const ben = await joinParticipant(t, pool, roomId, 'Ben');
    const cy = await joinParticipant(t, pool, roomId, 'Cy');
    await raise(ana.socket, roomId);
    await raise(ben.socket, roomId);
    await raise(cy.socket, roomId);

    const gone = nextEvent<Presence>(
      host,
      'presence',
      (p) => !p.members.some((m) => m.memberId === ben.memberId),
    );
    ben.socket.disconnect();
    await gone;
    // A minute and a half later, the job runs: Ben's hand stays.
    await sql(
      t,
      `UPDATE room_member SET away_since = now() - interval '90 seconds' WHERE id = $1`,
      [ben.memberId],
    );
    await tickShareQueues(t);
    expect((await stateSeenByNewcomer(roomId, 'Look')).shareQueue).toEqual([
      ana.memberId,
      ben.memberId,
      cy.memberId,
    ]);

    const back = await pool.connect(t, ben.token);
    const joined = ackData(await emitAck<JoinAck>(back, 'room:join', { roomId, handle: 'Ben' }));
    expect(joined.self).toMatchObject({ memberId: ben.memberId, handRaised: true });
    expect(joined.room.shareQueue).toEqual([ana.memberId, ben.memberId, cy.memberId]);
    expect(await raise(back, roomId)).toBe(2);
    // Being back, the grace no longer applies: a later job keeps the hand.
    await tickShareQueues(t);
    expect(
      ackData(await emitAck<{ position: number }>(back, 'hand:raise', { roomId })).position,
    ).toBe(2);
  });

  test('a member gone for more than two minutes loses their place', async () => {
    const { roomId, host } = await hostedRoom('Grace over');
    const ana = await joinParticipant(t, pool, roomId, 'Ana');
    const ben = await joinParticipant(t, pool, roomId, 'Ben');
    const cy = await joinParticipant(t, pool, roomId, 'Cy');
    await raise(ana.socket, roomId);
    await raise(ben.socket, roomId);
    await raise(cy.socket, roomId);

    const gone = nextEvent<Presence>(
      host,
      'presence',
      (p) => !p.members.some((m) => m.memberId === ben.memberId),
    );
    ben.socket.disconnect();
    await gone;
    await sql(t, `UPDATE room_member SET away_since = now() - interval '3 minutes' WHERE id = $1`, [
      ben.memberId,
    ]);
    const dropped = nextEvent<RoomStateView>(host, 'room:state', (s) => s.shareQueue.length === 2);
    await tickShareQueues(t);
    expect((await dropped).shareQueue).toEqual([ana.memberId, cy.memberId]);

    const back = await pool.connect(t, ben.token);
    const joined = ackData(await emitAck<JoinAck>(back, 'room:join', { roomId, handle: 'Ben' }));
    expect(joined.self).toMatchObject({ memberId: ben.memberId, handRaised: false });
    expect(joined.room.shareQueue).toEqual([ana.memberId, cy.memberId]);
    expect(await raise(back, roomId)).toBe(3);
  });
});
