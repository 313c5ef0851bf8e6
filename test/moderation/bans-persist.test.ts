/**
 * End-to-end: moderation that must outlive one process (CONTRACT.md §3). Bans are kept in the
 * database, so they hold after a restart and on every instance; a mute or a kick made on one
 * instance holds for a member connected to another; disabling an account ends its sockets on
 * every instance. Two apps share one PostgreSQL database here, as two instances would.
 */
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { api, login } from '../support/http.js';
import { emitAck, newParticipant, nextEvent } from '../support/sockets.js';
import {
  ackData,
  assign,
  createFacilitator,
  expectAckError,
  groupMeeting,
  joinAccount,
  joinParticipant,
  meetingRoom,
  MOD_ENV,
  openRoom,
  send,
  SocketPool,
  type JoinAck,
  type MemberView,
  type ModerationEvent,
} from './moderation-fixtures.js';

interface Presence {
  roomId: string;
  members: MemberView[];
}

describe('bans survive a restart', () => {
  let database: TestDatabase;
  const apps: TestApp[] = [];
  const pool = new SocketPool();

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    pool.closeAll();
    for (const app of apps) await app.close();
    await database.drop();
  });

  test('a lasting ban (and a timed one) made before a restart still refuses the same token after it', async () => {
    const first = await startTestApp({ env: MOD_ENV, databaseUrl: database.url });
    const admin = await login(first);
    const roomId = await openRoom(first, admin, 'Restart room');
    const host = await joinAccount(first, pool, roomId, 'Host', admin);
    const lasting = await joinParticipant(first, pool, roomId, 'Lasting');
    const timed = await joinParticipant(first, pool, roomId, 'Timed');
    const fine = await joinParticipant(first, pool, roomId, 'Fine');
    ackData(await emitAck(host.socket, 'mod:ban', { roomId, memberId: lasting.memberId }));
    ackData(
      await emitAck(host.socket, 'mod:ban', { roomId, memberId: timed.memberId, minutes: 120 }),
    );
    pool.closeAll();
    await first.close();

    const second = await startTestApp({ env: MOD_ENV, databaseUrl: database.url });
    apps.push(second);
    for (const who of [lasting, timed]) {
      const socket = await pool.connect(second, who.token);
      expectAckError(await emitAck(socket, 'room:join', { roomId, handle: who.handle }), 'BANNED');
    }
    const socket = await pool.connect(second, fine.token);
    expect(await emitAck(socket, 'room:join', { roomId, handle: 'Fine' })).toMatchObject({
      ok: true,
      data: { self: { memberId: fine.memberId } },
    });
  });
});

describe('two instances on one database', () => {
  let database: TestDatabase;
  let nodeA: TestApp;
  let nodeB: TestApp;
  let admin: string;
  let roomId: string;
  const pool = new SocketPool();
  let hostOnA: Awaited<ReturnType<typeof joinAccount>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    nodeA = await startTestApp({ env: MOD_ENV, databaseUrl: database.url });
    nodeB = await startTestApp({ env: MOD_ENV, databaseUrl: database.url });
    admin = await login(nodeA);
    roomId = await openRoom(nodeA, admin, 'Two node room');
    hostOnA = await joinAccount(nodeA, pool, roomId, 'Host', admin);
  });

  afterAll(async () => {
    pool.closeAll();
    await nodeA.close();
    await nodeB.close();
    await database.drop();
  });

  /** Joins on node B, and waits until the host on node A sees them arrive (as a real host would). */
  async function joinOnB(handle: string): Promise<Awaited<ReturnType<typeof joinParticipant>>> {
    const who = await newParticipant(nodeB);
    const arrived = nextEvent<Presence>(hostOnA.socket, 'presence', (p) =>
      p.members.some((m) => m.handle === handle),
    );
    const person = await joinParticipant(nodeB, pool, roomId, handle, who);
    const seen = await arrived;
    expect(seen.members.find((m) => m.handle === handle)?.memberId).toBe(person.memberId);
    return person;
  }

  test('a ban made on node A: the member on node B is told and put out, and node B refuses them', async () => {
    const pat = await joinOnB('Pat');
    const told = nextEvent<ModerationEvent>(pat.socket, 'moderation');
    ackData(
      await emitAck(hostOnA.socket, 'mod:ban', { roomId, memberId: pat.memberId, reason: 'spam' }),
    );
    expect(await told).toEqual({ roomId, action: 'banned', reason: 'spam' });
    expectAckError(await send(pat.socket, roomId, 'still here?'), 'NOT_IN_ROOM');
    expectAckError(await emitAck(pat.socket, 'room:join', { roomId, handle: 'Pat' }), 'BANNED');
    const onA = await pool.connect(nodeA, pat.token);
    expectAckError(await emitAck(onA, 'room:join', { roomId, handle: 'Pat' }), 'BANNED');
  });

  test('a participant banned while on node A cannot join through node B', async () => {
    const sky = await joinParticipant(nodeA, pool, roomId, 'Sky');
    ackData(await emitAck(hostOnA.socket, 'mod:ban', { roomId, memberId: sky.memberId }));
    const onB = await pool.connect(nodeB, sky.token);
    expectAckError(await emitAck(onB, 'room:join', { roomId, handle: 'Sky' }), 'BANNED');
  });

  test('a group ban made on node A holds for the group’s other room on node B', async () => {
    const one = await groupMeeting(nodeA, admin, 'Two Node Harbor One', 'Two Node Harbor');
    const two = await groupMeeting(nodeA, admin, 'Two Node Harbor Two', 'Two Node Harbor', {
      day: 5,
    });
    const roomOne = await meetingRoom(nodeA, admin, one.slug);
    const roomTwo = await meetingRoom(nodeA, admin, two.slug);
    const host = await joinAccount(nodeA, pool, roomOne, 'Host', admin);
    const kim = await joinParticipant(nodeA, pool, roomOne, 'Kim');
    ackData(
      await emitAck(host.socket, 'mod:ban', {
        roomId: roomOne,
        memberId: kim.memberId,
        scope: 'group',
      }),
    );
    const onB = await pool.connect(nodeB, kim.token);
    expectAckError(await emitAck(onB, 'room:join', { roomId: roomTwo, handle: 'Kim' }), 'BANNED');
    expectAckError(await emitAck(onB, 'room:join', { roomId: roomOne, handle: 'Kim' }), 'BANNED');
  });

  test('a mute made on node A is enforced on node B, and so is the unmute', async () => {
    const quinn = await joinOnB('Quinn');
    const told = nextEvent<ModerationEvent>(quinn.socket, 'moderation');
    ackData(
      await emitAck(hostOnA.socket, 'mod:mute', { roomId, memberId: quinn.memberId, minutes: 15 }),
    );
    expect(await told).toMatchObject({ roomId, action: 'muted' });
    expectAckError(await send(quinn.socket, roomId, 'hello from B'), 'MUTED');
    // Another connection of Quinn's, on node A this time: muted there too.
    const alsoOnA = await pool.connect(nodeA, quinn.token);
    ackData(await emitAck<JoinAck>(alsoOnA, 'room:join', { roomId, handle: 'Quinn' }));
    expectAckError(await send(alsoOnA, roomId, 'hello from A'), 'MUTED');

    const unmuted = nextEvent<ModerationEvent>(
      quinn.socket,
      'moderation',
      (e) => e.action === 'unmuted',
    );
    ackData(await emitAck(hostOnA.socket, 'mod:unmute', { roomId, memberId: quinn.memberId }));
    await unmuted;
    expect(await send(quinn.socket, roomId, 'hello again from B')).toMatchObject({ ok: true });
  });

  test('a kick made on node A puts the member on node B out of the room', async () => {
    const rae = await joinOnB('Rae');
    const told = nextEvent<ModerationEvent>(rae.socket, 'moderation');
    const gone = nextEvent<Presence>(
      hostOnA.socket,
      'presence',
      (p) => !p.members.some((m) => m.memberId === rae.memberId),
    );
    ackData(await emitAck(hostOnA.socket, 'mod:kick', { roomId, memberId: rae.memberId }));
    expect(await told).toMatchObject({ action: 'kicked' });
    await gone;
    expectAckError(await send(rae.socket, roomId, 'am I out?'), 'NOT_IN_ROOM');
  });

  test('room:close on node A reaches the members on node B, and node B then refuses them', async () => {
    const closing = await openRoom(nodeA, admin, 'Two node closing');
    const host = await joinAccount(nodeA, pool, closing, 'Host', admin);
    const lee = await joinParticipant(nodeB, pool, closing, 'Lee');
    const closed = nextEvent<{ roomId: string }>(lee.socket, 'room:closed');
    ackData(await emitAck(host.socket, 'room:close', { roomId: closing }));
    expect(await closed).toEqual({ roomId: closing });
    expectAckError(
      await emitAck(lee.socket, 'room:join', { roomId: closing, handle: 'Lee' }),
      'ROOM_CLOSED',
    );
  });

  test('disabling an account on node A disconnects its socket on node B', async () => {
    const fay = await createFacilitator(nodeA, admin, 'Fay Two Nodes');
    await assign(nodeA, admin, fay.id, { roomId });
    const onB = await joinAccount(nodeB, pool, roomId, 'Fay', fay.token);
    expect(onB.join.self.role).toBe('facilitator');
    const disconnected = nextEvent<string>(onB.socket, 'disconnect');
    expect(
      (
        await api(nodeA, 'PATCH', `/facilitators/${fay.id}`, {
          token: admin,
          body: { disabled: true },
        })
      ).status,
    ).toBe(200);
    expect(await disconnected).toBe('io server disconnect');
  });
});
