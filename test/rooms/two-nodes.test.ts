/**
 * End-to-end: two instances of the service on two ports sharing one PostgreSQL database
 * (docs/realtime.md "Several instances"): messages, presence, room state and room closing reach
 * clients on both, the room's seq is shared, and an instance that shuts down takes its members
 * out of the others' presence.
 */
import { randomUUID } from 'node:crypto';
import { RoomsService } from '../../src/rooms/rooms.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { api, login } from '../support/http.js';
import { collect, connectSocket, emitAck, newParticipant, nextEvent } from '../support/sockets.js';
import {
  barrier,
  createRoom,
  disconnected,
  expectFailure,
  joinAs,
  lacksMember,
  messageArrives,
  ROOMS_ENV,
  send,
  sendOk,
  settle,
  sleep,
  SocketJar,
  waitForPresence,
  withoutRedactions,
  type MessageView,
  type RoomDto,
  type RoomStateView,
} from './room-fixtures.js';

describe('two instances sharing one database', () => {
  let db: TestDatabase;
  let nodeA: TestApp;
  let nodeB: TestApp;
  let nodeBRunning = false;
  let admin: string;
  const jar = new SocketJar();

  beforeAll(async () => {
    db = await createTestDatabase();
    nodeA = await startTestApp({ env: ROOMS_ENV, databaseUrl: db.url });
    nodeB = await startTestApp({ env: ROOMS_ENV, databaseUrl: db.url });
    nodeBRunning = true;
    admin = await login(nodeA);
  });

  afterAll(async () => {
    jar.closeAll();
    if (nodeBRunning) await nodeB.close();
    await nodeA.close();
    await db.drop();
  });

  test('the instances are separate servers', () => {
    expect(nodeA.baseUrl).not.toBe(nodeB.baseUrl);
  });

  test('messages cross instances both ways, with one seq for the room', async () => {
    const room = await createRoom(nodeA, admin);
    const a = await joinAs(nodeA, jar, room.id, 'Ash');
    const b = await joinAs(nodeB, jar, room.id, 'Birch', { baseUrl: nodeB.baseUrl });
    expect(b.ack.members.map((m) => m.memberId)).toContain(a.self.memberId);

    const onB = messageArrives(b.socket, 'hello from A');
    const fromA = await sendOk(a.socket, room.id, 'hello from A');
    expect(await onB).toEqual(withoutRedactions(fromA));

    const onA = messageArrives(a.socket, 'hello from B');
    const fromB = await sendOk(b.socket, room.id, 'hello from B');
    expect(await onA).toEqual(withoutRedactions(fromB));

    expect([fromA.seq, fromB.seq]).toEqual([1, 2]);
    // Sends racing on both instances still get distinct seqs without gaps.
    const raced = await Promise.all([
      ...[1, 2, 3].map((i) => sendOk(a.socket, room.id, `A${i}`)),
      ...[1, 2, 3].map((i) => sendOk(b.socket, room.id, `B${i}`)),
    ]);
    expect(raced.map((m) => m.seq).sort((x, y) => x - y)).toEqual([3, 4, 5, 6, 7, 8]);
    const history = await emitAck<{ messages: MessageView[] }>(b.socket, 'message:history', {
      roomId: room.id,
    });
    expect(history.data?.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test('presence crosses: a join and a leave on B show up on A; a raised hand on B in room:state on A', async () => {
    const room = await createRoom(nodeA, admin);
    const a = await joinAs(nodeA, jar, room.id, 'Ash');
    const p = await newParticipant(nodeB);
    const bSocket = jar.add(await connectSocket(nodeB.baseUrl, p.token));
    const arrived = nextEvent<{ roomId: string; members: { memberId: string }[] }>(
      a.socket,
      'presence',
      (e) => e.roomId === room.id && e.members.length === 2,
    );
    const joined = await emitAck<{ self: { memberId: string } }>(bSocket, 'room:join', {
      roomId: room.id,
      handle: 'Birch',
    });
    const bMember = joined.data?.self.memberId as string;
    expect((await arrived).members.map((m) => m.memberId)).toContain(bMember);

    const raised = nextEvent<RoomStateView>(a.socket, 'room:state', (s) => s.shareQueue.length > 0);
    expect(await emitAck(bSocket, 'hand:raise', { roomId: room.id })).toEqual({
      ok: true,
      data: { position: 1 },
    });
    expect((await raised).shareQueue).toEqual([bMember]);

    const gone = waitForPresence(a.socket, room.id, lacksMember(bMember));
    await emitAck(bSocket, 'room:leave', { roomId: room.id });
    expect((await gone).members.map((m) => m.memberId)).toEqual([a.self.memberId]);
    // Both instances agree on who is there.
    for (const node of [nodeA, nodeB]) {
      expect((await api<RoomDto>(node, 'GET', `/rooms/${room.id}`)).body.memberCount).toBe(1);
    }
  });

  test('the same participant on both instances is one member; a retry on the other instance returns the first message', async () => {
    const room = await createRoom(nodeA, admin);
    const watcher = await joinAs(nodeA, jar, room.id, 'Watcher');
    const p = await newParticipant(nodeA);
    const onA = await joinAs(nodeA, jar, room.id, 'Dale', { participant: p });
    const onB = await joinAs(nodeB, jar, room.id, 'Dale', {
      participant: p,
      baseUrl: nodeB.baseUrl,
    });
    expect(onB.self.memberId).toBe(onA.self.memberId);
    expect(onB.ack.members.filter((m) => m.memberId === onA.self.memberId)).toHaveLength(1);

    const received = collect<MessageView>(watcher.socket, 'message:new');
    const clientId = randomUUID();
    const first = await sendOk(onA.socket, room.id, 'sent on A', clientId);
    const retry = await sendOk(onB.socket, room.id, 'sent on A', clientId);
    expect(withoutRedactions(retry)).toEqual(withoutRedactions(first));
    await barrier(onB.socket, room.id, [watcher.socket]);
    expect(received.map((m) => m.body)).toEqual(['sent on A', expect.stringMatching(/^barrier /)]);
  });

  test('closing a room by hand (through B) reaches members on both instances with room:closed', async () => {
    const room = await createRoom(nodeA, admin);
    const a = await joinAs(nodeA, jar, room.id, 'Ash');
    const b = await joinAs(nodeB, jar, room.id, 'Birch', { baseUrl: nodeB.baseUrl });
    const closedA = settle(nextEvent(a.socket, 'room:closed', () => true, 5_000));
    const closedB = settle(nextEvent(b.socket, 'room:closed', () => true, 5_000));
    const res = await api<RoomDto>(nodeB, 'PATCH', `/rooms/${room.id}`, {
      token: admin,
      body: { status: 'closed' },
    });
    expect(res.body.status).toBe('closed');
    // Out of the room on both instances, whatever happened to the event.
    for (const s of [a.socket, b.socket]) {
      const reply = await send(s, room.id, 'still here?');
      expect(['NOT_IN_ROOM', 'ROOM_CLOSED']).toContain(reply.error?.code);
    }
    expect({ onA: await closedA, onB: await closedB }).toEqual({
      onA: { ok: true, value: { roomId: room.id } },
      onB: { ok: true, value: { roomId: room.id } },
    });
  });

  test('the scheduler on A closes a room: room:closed reaches members on both instances', async () => {
    const closesAt = new Date(Date.now() + 2_000);
    const room = await createRoom(nodeA, admin, { closesAt: closesAt.toISOString() });
    const a = await joinAs(nodeA, jar, room.id, 'Ash');
    const b = await joinAs(nodeB, jar, room.id, 'Birch', { baseUrl: nodeB.baseUrl });
    const closedA = settle(nextEvent(a.socket, 'room:closed', () => true, 5_000));
    const closedB = settle(nextEvent(b.socket, 'room:closed', () => true, 5_000));
    await sleep(closesAt.getTime() - Date.now() + 100);
    await nodeA.app.get(RoomsService).applySchedule();
    expect((await api<RoomDto>(nodeB, 'GET', `/rooms/${room.id}`)).body.status).toBe('closed');
    expect({ onA: await closedA, onB: await closedB }).toEqual({
      onA: { ok: true, value: { roomId: room.id } },
      onB: { ok: true, value: { roomId: room.id } },
    });
  });

  test('a room opens once even when both instances run the schedule at the same moment', async () => {
    const opensAt = new Date(Date.now() + 1_500);
    const room = await createRoom(nodeA, admin, { opensAt: opensAt.toISOString() });
    const host = jar.add(await connectSocket(nodeA.baseUrl, admin));
    expect((await emitAck(host, 'room:join', { roomId: room.id, handle: 'Jo' })).ok).toBe(true);
    const states = collect<RoomStateView>(host, 'room:state');
    await sleep(opensAt.getTime() - Date.now() + 100);
    await Promise.all([
      nodeA.app.get(RoomsService).applySchedule(),
      nodeB.app.get(RoomsService).applySchedule(),
    ]);
    // Whichever instance got the lock opened it: the other did nothing, or found nothing to do.
    await Promise.all([
      nodeA.app.get(RoomsService).applySchedule(),
      nodeB.app.get(RoomsService).applySchedule(),
    ]);
    const guest = await joinAs(nodeB, jar, room.id, 'Guest', { baseUrl: nodeB.baseUrl });
    await barrier(guest.socket, room.id, [host]);
    expect(states.filter((s) => s.status === 'open')).toHaveLength(1);
  });

  test('when one instance shuts down, its members leave the presence seen on the other', async () => {
    const room = await createRoom(nodeA, admin);
    const a = await joinAs(nodeA, jar, room.id, 'Ash');
    const p = await newParticipant(nodeB);
    const arrived = nextEvent<{ members: { memberId: string }[] }>(
      a.socket,
      'presence',
      (e) => e.members.length === 2,
    );
    const c = await joinAs(nodeB, jar, room.id, 'Cedar', {
      participant: p,
      baseUrl: nodeB.baseUrl,
    });
    await arrived;

    const gone = settle(waitForPresence(a.socket, room.id, lacksMember(c.self.memberId), 10_000));
    const cDropped = disconnected(c.socket);
    nodeBRunning = false;
    await nodeB.close();
    await cDropped;
    const presence = await gone;
    const listed = await api<RoomDto>(nodeA, 'GET', `/rooms/${room.id}`);
    expect({ presenceWithoutCedar: presence.ok, memberCount: listed.body.memberCount }).toEqual({
      presenceWithoutCedar: true,
      memberCount: 1,
    });

    // Cedar comes back through the surviving instance: same member, nothing missed.
    const back = await joinAs(nodeA, jar, room.id, 'Cedar', { participant: p });
    expect(back.self.memberId).toBe(c.self.memberId);
    const sent = await sendOk(a.socket, room.id, 'welcome back');
    const missed = await emitAck<{ messages: MessageView[] }>(back.socket, 'room:sync', {
      roomId: room.id,
      afterSeq: 0,
    });
    expect(missed.data?.messages.map((m) => m.id)).toEqual([sent.id]);
    expectFailure(await send(back.socket, randomUUID(), 'nowhere'), 'NOT_IN_ROOM');
  });
});
