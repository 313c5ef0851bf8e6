/**
 * End-to-end: every participant event of the rooms namespace (CONTRACT.md §3, docs/realtime.md)
 * over real socket.io clients against the real service and PostgreSQL: acks, server events,
 * reconnect and restart, and the per-member, per-room and per-socket limits.
 */
import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { RoomsRepository } from '../../src/rooms/rooms.repository.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { api, login } from '../support/http.js';
import {
  collect,
  connectSocket,
  emitAck,
  newParticipant,
  nextEvent,
  type AckReply,
} from '../support/sockets.js';
import {
  barrier,
  createRoom,
  disconnected,
  eventually,
  expectFailure,
  insertMessages,
  ISO_INSTANT,
  joinAs,
  lacksMember,
  messageArrives,
  range,
  recordAll,
  ROOMS_ENV,
  roundTrip,
  send,
  sendOk,
  seqs,
  settle,
  sleep,
  SocketJar,
  sql,
  UUID,
  waitForPresence,
  withoutRedactions,
  type JoinAck,
  type MemberView,
  type MessageView,
  type PresenceEvent,
  type RoomDto,
  type RoomStateView,
} from './room-fixtures.js';

const MESSAGE_KEYS = ['author', 'body', 'clientId', 'createdAt', 'id', 'pinned', 'roomId', 'seq'];
const MEMBER_KEYS = ['handRaised', 'handle', 'memberId', 'muted', 'role'];
const ROOM_STATE_KEYS = [
  'floor',
  'id',
  'locked',
  'name',
  'pinned',
  'shareQueue',
  'slowModeSeconds',
  'status',
  'waitingRoom',
];

function expectMessageShape(m: MessageView): void {
  expect(Object.keys(m).sort()).toEqual(MESSAGE_KEYS);
  expect(m.id).toMatch(UUID);
  expect(m.roomId).toMatch(UUID);
  expect(Number.isInteger(m.seq)).toBe(true);
  expect(m.clientId).toMatch(UUID);
  expect(typeof m.body).toBe('string');
  expect(Object.keys(m.author).sort()).toEqual(['handle', 'memberId', 'role']);
  expect(m.createdAt).toMatch(ISO_INSTANT);
  expect(typeof m.pinned).toBe('boolean');
}

describe('room events', () => {
  let t: TestApp;
  let admin: string;
  const jar = new SocketJar();

  beforeAll(async () => {
    t = await startTestApp({ env: ROOMS_ENV });
    admin = await login(t);
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  const newRoom = (body: Record<string, unknown> = {}): Promise<RoomDto> =>
    createRoom(t, admin, body);

  async function bareSocket(): Promise<Socket> {
    return jar.add(await connectSocket(t.baseUrl, (await newParticipant(t)).token));
  }

  describe('room:join', () => {
    test('acks { room: RoomState, self: Member, members, messages } for an open room', async () => {
      const room = await newRoom({ name: 'Morning light' });
      const first = await joinAs(t, jar, room.id, 'River');
      const socket = await bareSocket();
      const reply = await emitAck<JoinAck>(socket, 'room:join', { roomId: room.id, handle: 'Sky' });
      expect(reply.ok).toBe(true);
      expect(Object.keys(reply).sort()).toEqual(['data', 'ok']);
      const data = reply.data as JoinAck;
      expect(Object.keys(data).sort()).toEqual(['members', 'messages', 'room', 'self']);

      expect(Object.keys(data.room).sort()).toEqual(ROOM_STATE_KEYS);
      expect(data.room).toEqual({
        id: room.id,
        name: 'Morning light',
        status: 'open',
        locked: false,
        slowModeSeconds: 0,
        waitingRoom: false,
        pinned: null,
        shareQueue: [],
        floor: null,
      });

      expect(Object.keys(data.self).sort()).toEqual(MEMBER_KEYS);
      expect(data.self).toEqual({
        memberId: expect.stringMatching(UUID) as string,
        handle: 'Sky',
        role: 'participant',
        handRaised: false,
        muted: false,
      });
      expect(data.self.memberId).not.toBe(first.self.memberId);

      expect(data.members).toHaveLength(2);
      for (const m of data.members) expect(Object.keys(m).sort()).toEqual(MEMBER_KEYS);
      expect(data.members).toContainEqual(data.self);
      expect(data.members).toContainEqual(first.self);
      expect(data.messages).toEqual([]);
    });

    test('the joiner gets the last 50 messages, oldest first', async () => {
      const room = await newRoom();
      const writer = await joinAs(t, jar, room.id, 'Writer');
      await insertMessages(t.databaseUrl, room.id, writer.self.memberId, 55);
      const reader = await joinAs(t, jar, room.id, 'Reader');
      expect(seqs(reader.ack.messages)).toEqual(range(6, 55));
      for (const m of reader.ack.messages) expectMessageShape(m);
      expect(reader.ack.messages[0]).toMatchObject({
        roomId: room.id,
        body: 'bulk message 6',
        author: { memberId: writer.self.memberId, handle: 'Writer', role: 'participant' },
        pinned: false,
      });
    });

    test('the others present get a presence event with the newcomer', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const p = await newParticipant(t);
      const bSocket = jar.add(await connectSocket(t.baseUrl, p.token));
      const presence = nextEvent<PresenceEvent>(
        a.socket,
        'presence',
        (e) => e.members.length === 2,
      );
      const b = await emitAck<JoinAck>(bSocket, 'room:join', { roomId: room.id, handle: 'Birch' });
      const event = await presence;
      expect(event.roomId).toBe(room.id);
      expect(event.members).toContainEqual(b.data?.self);
      expect(event.members).toContainEqual(a.self);
    });

    const badHandles: [string, unknown][] = [
      ['empty', ''],
      ['only spaces', '    '],
      ['25 characters', 'abcdefghijklmnopqrstuvwxy'],
      ['an email address', 'sam@example.com'],
      ['a phone number', '555-123-4567'],
      ['an international phone number', '+44 20 7946 0958'],
      ['a URL', 'https://example.com/sam'],
      ['a bare link', 'example.com/sam'],
      ['a social handle', '@handle'],
      ['"Facilitator Jo"', 'Facilitator Jo'],
      ['"moderator"', 'moderator'],
      ['"Admin Sam"', 'Admin Sam'],
      ['"the host"', 'the host'],
      ['"Staff"', 'Staff'],
      ['a control character', 'Sam\u0000'],
      ['not a string', 42],
    ];
    test.each(badHandles)(
      'a handle that is %s → VALIDATION_FAILED, not joined',
      async (_l, handle) => {
        const room = await newRoom();
        const socket = await bareSocket();
        expectFailure(
          await emitAck(socket, 'room:join', { roomId: room.id, handle }),
          'VALIDATION_FAILED',
        );
        expectFailure(await send(socket, room.id, 'hello?'), 'NOT_IN_ROOM');
        expect(socket.connected).toBe(true);
      },
    );

    test('a 24-character handle is accepted', async () => {
      const room = await newRoom();
      const handle = 'abcdefghijklmnopqrstuvwx';
      expect(handle).toHaveLength(24);
      const joined = await joinAs(t, jar, room.id, handle);
      expect(joined.self.handle).toBe(handle);
    });

    test('a facilitator account may be called "Facilitator Jo"', async () => {
      const room = await newRoom();
      const socket = jar.add(await connectSocket(t.baseUrl, admin));
      const reply = await emitAck<JoinAck>(socket, 'room:join', {
        roomId: room.id,
        handle: 'Facilitator Jo',
      });
      expect(reply.ok).toBe(true);
      expect(reply.data?.self).toMatchObject({ handle: 'Facilitator Jo', role: 'facilitator' });
    });

    test('a handle already present is HANDLE_TAKEN, case-insensitively; it is free once they leave', async () => {
      const room = await newRoom();
      const river = await joinAs(t, jar, room.id, 'River');
      const other = await bareSocket();
      for (const handle of ['River', 'river', 'RIVER', '  rIvEr  ']) {
        expectFailure(
          await emitAck(other, 'room:join', { roomId: room.id, handle }),
          'HANDLE_TAKEN',
        );
      }
      // The refused attempts did not put the socket in the room.
      expectFailure(await send(other, room.id, 'hi'), 'NOT_IN_ROOM');
      expect(await emitAck(river.socket, 'room:leave', { roomId: room.id })).toEqual({
        ok: true,
        data: {},
      });
      const reply = await emitAck<JoinAck>(other, 'room:join', {
        roomId: room.id,
        handle: 'river',
      });
      expect(reply.ok).toBe(true);
      expect(reply.data?.self.handle).toBe('river');
    });

    test('the same handle is fine in another room', async () => {
      const a = await newRoom();
      const b = await newRoom();
      await joinAs(t, jar, a.id, 'Willow');
      const joined = await joinAs(t, jar, b.id, 'Willow');
      expect(joined.self.handle).toBe('Willow');
    });

    test('a crowd joining at once all get in, one after another; two who pick one handle at once: one HANDLE_TAKEN', async () => {
      const room = await newRoom();
      const sockets = await Promise.all(range(1, 14).map(() => bareSocket()));
      const handles = [...range(1, 12).map((n) => `Crowd ${n}`), 'Twin', 'twin'];
      const replies = await Promise.all(
        sockets.map((socket, i) =>
          emitAck<JoinAck>(socket, 'room:join', { roomId: room.id, handle: handles[i] }),
        ),
      );
      expect(replies.slice(0, 12).every((r) => r.ok)).toBe(true);
      const twins = replies.slice(12);
      expect(twins.filter((r) => r.ok)).toHaveLength(1);
      expectFailure(twins.find((r) => !r.ok) as AckReply, 'HANDLE_TAKEN');
      for (const reply of replies.filter((r) => r.ok)) {
        const self = reply.data?.self.memberId;
        expect(reply.data?.members.map((m) => m.memberId)).toContain(self);
      }
      const [row] = await sql<{ n: number }>(
        t.databaseUrl,
        `SELECT count(*)::int AS n FROM room_member WHERE room_id = $1 AND state = 'active'`,
        [room.id],
      );
      expect(row?.n).toBe(13);
    });

    test('one participant in two rooms has two memberIds; no payload carries a participantId or token', async () => {
      const roomA = await newRoom();
      const roomB = await newRoom();
      const alice = await newParticipant(t);
      const bob = await newParticipant(t);
      const aliceSocket = jar.add(await connectSocket(t.baseUrl, alice.token));
      const bobSocket = jar.add(await connectSocket(t.baseUrl, bob.token));
      const seen: unknown[] = [recordAll(aliceSocket), recordAll(bobSocket)];
      const ack = async <T>(s: Socket, event: string, payload: unknown): Promise<AckReply<T>> => {
        const reply = await emitAck<T>(s, event, payload);
        seen.push(reply);
        return reply;
      };

      const inA = await ack<JoinAck>(aliceSocket, 'room:join', {
        roomId: roomA.id,
        handle: 'Alice',
      });
      const inB = await ack<JoinAck>(aliceSocket, 'room:join', {
        roomId: roomB.id,
        handle: 'Alice',
      });
      expect(inA.ok && inB.ok).toBe(true);
      const memberA = inA.data?.self.memberId as string;
      const memberB = inB.data?.self.memberId as string;
      expect(memberA).toMatch(UUID);
      expect(memberB).toMatch(UUID);
      expect(memberA).not.toBe(memberB);
      expect([memberA, memberB]).not.toContain(alice.participantId);

      await ack(bobSocket, 'room:join', { roomId: roomA.id, handle: 'Bob' });
      const sent = await ack<MessageView>(aliceSocket, 'message:send', {
        roomId: roomA.id,
        clientId: randomUUID(),
        body: 'Hello from Alice',
      });
      await ack(bobSocket, 'message:send', {
        roomId: roomA.id,
        clientId: randomUUID(),
        body: 'I want to kill myself',
      });
      await ack(aliceSocket, 'hand:raise', { roomId: roomA.id });
      await ack(bobSocket, 'hand:raise', { roomId: roomA.id });
      await ack(bobSocket, 'room:sync', { roomId: roomA.id, afterSeq: 0 });
      await ack(bobSocket, 'message:history', { roomId: roomA.id });
      await ack(bobSocket, 'message:report', {
        roomId: roomA.id,
        messageId: sent.data?.id,
        reason: 'testing',
      });
      await ack(bobSocket, 'hand:lower', { roomId: roomA.id });
      await ack(aliceSocket, 'room:leave', { roomId: roomB.id });
      seen.push(
        (await api(t, 'GET', '/rooms')).body,
        (await api(t, 'GET', `/rooms/${roomA.id}`)).body,
      );
      await barrier(bobSocket, roomA.id, [aliceSocket]);
      await barrier(aliceSocket, roomA.id, [bobSocket]);

      const everything = JSON.stringify(seen);
      expect(everything).toContain(memberA); // the recording did capture the traffic
      for (const secret of [alice.participantId, bob.participantId, alice.token, bob.token]) {
        expect(everything).not.toContain(secret);
      }
    });

    test('rejoining keeps the memberId: same socket, after leaving, and from a new socket', async () => {
      const room = await newRoom();
      const p = await newParticipant(t);
      const first = await joinAs(t, jar, room.id, 'Cedar', { participant: p });
      const again = await emitAck<JoinAck>(first.socket, 'room:join', {
        roomId: room.id,
        handle: 'Cedar',
      });
      expect(again.data?.self.memberId).toBe(first.self.memberId);
      expect(again.data?.members.filter((m) => m.memberId === first.self.memberId)).toHaveLength(1);

      await emitAck(first.socket, 'room:leave', { roomId: room.id });
      const back = await emitAck<JoinAck>(first.socket, 'room:join', {
        roomId: room.id,
        handle: 'Cedar',
      });
      expect(back.data?.self.memberId).toBe(first.self.memberId);

      const second = await joinAs(t, jar, room.id, 'Cedar', { participant: p });
      expect(second.self.memberId).toBe(first.self.memberId);
      // Two sockets, one member: present once.
      expect(second.ack.members.filter((m) => m.memberId === first.self.memberId)).toHaveLength(1);
    });

    test('an unknown room → NOT_FOUND; a room not open yet → ROOM_CLOSED', async () => {
      const socket = await bareSocket();
      expectFailure(
        await emitAck(socket, 'room:join', { roomId: randomUUID(), handle: 'Sam' }),
        'NOT_FOUND',
      );
      const later = await newRoom({ opensAt: new Date(Date.now() + 3_600_000).toISOString() });
      expect(later.status).toBe('scheduled');
      expectFailure(
        await emitAck(socket, 'room:join', { roomId: later.id, handle: 'Sam' }),
        'ROOM_CLOSED',
      );
    });
  });

  describe('room:leave and disconnect', () => {
    test('leave acks {}, the others get presence without them, and they get no more messages', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const c = await joinAs(t, jar, room.id, 'Cedar');
      const gone = waitForPresence(a.socket, room.id, lacksMember(b.self.memberId));
      expect(await emitAck(b.socket, 'room:leave', { roomId: room.id })).toEqual({
        ok: true,
        data: {},
      });
      const presence = await gone;
      expect(presence.members).toEqual([a.self, c.self]);

      const bMessages = collect<MessageView>(b.socket, 'message:new');
      const witnessed = messageArrives(c.socket, 'are you still there?');
      await sendOk(a.socket, room.id, 'are you still there?');
      await witnessed;
      await roundTrip(b.socket);
      expect(bMessages).toEqual([]);
      expectFailure(await send(b.socket, room.id, 'hello'), 'NOT_IN_ROOM');
      expectFailure(await emitAck(b.socket, 'room:leave', { roomId: room.id }), 'NOT_IN_ROOM');
    });

    test('leave with the room id in capitals (still the same UUID) really leaves', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const c = await joinAs(t, jar, room.id, 'Cedar');
      const gone = settle(waitForPresence(a.socket, room.id, lacksMember(b.self.memberId), 3_000));
      const left = await emitAck(b.socket, 'room:leave', { roomId: room.id.toUpperCase() });
      expect(left).toEqual({ ok: true, data: {} });
      const bMessages = collect<MessageView>(b.socket, 'message:new');
      const witnessed = messageArrives(c.socket, 'only for those still here');
      await sendOk(a.socket, room.id, 'only for those still here');
      await witnessed;
      await roundTrip(b.socket);
      // A member who left must not keep reading the room.
      expect(bMessages).toEqual([]);
      // And the others see them go.
      expect((await gone).ok).toBe(true);
    });

    test('a disconnect is a leave for the others', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const gone = waitForPresence(a.socket, room.id, lacksMember(b.self.memberId));
      b.socket.disconnect();
      expect((await gone).members).toEqual([a.self]);
      const listed = await api<RoomDto>(t, 'GET', `/rooms/${room.id}`);
      expect(listed.body.memberCount).toBe(1);
    });

    test('a member on two sockets stays present until the last one goes', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const p = await newParticipant(t);
      const b1 = await joinAs(t, jar, room.id, 'Birch', { participant: p });
      const b2 = await joinAs(t, jar, room.id, 'Birch', { participant: p });
      expect(b2.self.memberId).toBe(b1.self.memberId);
      const presences = collect<PresenceEvent>(a.socket, 'presence');
      b1.socket.disconnect();
      await eventually(async () => {
        const rows = await sql<{ n: number }>(
          t.databaseUrl,
          `SELECT count(*)::int AS n FROM room_connection WHERE member_id = $1`,
          [b1.self.memberId],
        );
        return rows[0]?.n === 1;
      });
      const arrived = messageArrives(a.socket, 'still here on my phone');
      await sendOk(b2.socket, room.id, 'still here on my phone');
      await arrived;
      for (const p2 of presences) expect(p2.members).toContainEqual(b1.self);
      const gone = waitForPresence(a.socket, room.id, lacksMember(b1.self.memberId));
      b2.socket.disconnect();
      await gone;
    });
  });

  describe('message:send', () => {
    test('acks the stored Message (+ redactions); others get message:new; seq 1, 2, 3', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const aOwn = collect<MessageView>(a.socket, 'message:new');
      const received = collect<MessageView>(b.socket, 'message:new');
      const third = messageArrives(b.socket, 'three');
      // When the others see it, it is already stored.
      const storedWhenSeen: Promise<number>[] = [];
      b.socket.on('message:new', (m: MessageView) => {
        storedWhenSeen.push(
          sql<{ n: number }>(
            t.databaseUrl,
            `SELECT count(*)::int AS n FROM message WHERE id = $1`,
            [m.id],
          ).then((rows) => rows[0]?.n ?? 0),
        );
      });

      const sent = [];
      for (const body of ['one', 'two', 'three']) {
        const clientId = randomUUID();
        const reply = await send(a.socket, room.id, body, clientId);
        expect(reply.ok).toBe(true);
        const data = reply.data as MessageView & { redactions: string[] };
        expect(Object.keys(data).sort()).toEqual([...MESSAGE_KEYS, 'redactions'].sort());
        expect(data).toEqual({
          id: expect.stringMatching(UUID) as string,
          roomId: room.id,
          seq: sent.length + 1,
          clientId,
          body,
          author: { memberId: a.self.memberId, handle: 'Ash', role: 'participant' },
          createdAt: expect.stringMatching(ISO_INSTANT) as string,
          pinned: false,
          redactions: [],
        });
        // Stored before the ack.
        const rows = await sql<{ seq: string; body: string }>(
          t.databaseUrl,
          `SELECT seq, body FROM message WHERE id = $1`,
          [data.id],
        );
        expect(rows).toEqual([{ seq: String(data.seq), body }]);
        sent.push(data);
      }
      await third;
      expect(received).toEqual(sent.map(withoutRedactions));
      for (const m of received) expectMessageShape(m);
      expect(await Promise.all(storedWhenSeen)).toEqual([1, 1, 1]);
      // The sender's own socket has the ack instead.
      await roundTrip(a.socket);
      expect(aOwn).toEqual([]);
    });

    test('concurrent sends from several members get seqs 1…n with no gaps or duplicates', async () => {
      const room = await newRoom();
      const members = await Promise.all(
        ['Ash', 'Birch', 'Cedar'].map((h) => joinAs(t, jar, room.id, h)),
      );
      const replies = await Promise.all(
        members.flatMap((m) =>
          range(1, 10).map((i) => send(m.socket, room.id, `${m.self.handle} ${i}`)),
        ),
      );
      expect(replies.every((r) => r.ok)).toBe(true);
      const got = replies.map((r) => r.data?.seq as number).sort((x, y) => x - y);
      expect(got).toEqual(range(1, 30));
      const history = await emitAck<{ messages: MessageView[] }>(
        members[0]?.socket as Socket,
        'message:history',
        {
          roomId: room.id,
          limit: 100,
        },
      );
      expect(seqs(history.data?.messages ?? [])).toEqual(range(1, 30));
    });

    test('the same clientId again returns the first message and is not broadcast twice', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const received = collect<MessageView>(b.socket, 'message:new');
      const clientId = randomUUID();
      const first = await sendOk(a.socket, room.id, 'first attempt', clientId);
      const retry = await send(a.socket, room.id, 'first attempt', clientId);
      const changed = await send(a.socket, room.id, 'a different body, same clientId', clientId);
      expect(withoutRedactions(retry.data as MessageView)).toEqual(withoutRedactions(first));
      expect(withoutRedactions(changed.data as MessageView)).toEqual(withoutRedactions(first));
      // Two retries racing each other.
      const raceId = randomUUID();
      const [r1, r2] = await Promise.all([
        send(a.socket, room.id, 'racing', raceId),
        send(a.socket, room.id, 'racing', raceId),
      ]);
      expect(r1.ok && r2.ok).toBe(true);
      expect(r1.data?.id).toBe(r2.data?.id);
      expect(r1.data?.seq).toBe(2);
      const nextArrives = messageArrives(b.socket, 'the next one');
      const next = await sendOk(a.socket, room.id, 'the next one');
      expect(next.seq).toBe(3);
      await nextArrives;
      expect(received.map((m) => m.seq)).toEqual([1, 2, 3]);
      const stored = await sql<{ n: number }>(
        t.databaseUrl,
        `SELECT count(*)::int AS n FROM message WHERE room_id = $1`,
        [room.id],
      );
      expect(stored[0]?.n).toBe(3);
    });

    test('a clientId is the sender’s own: another member using the same one gets a message of their own', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const clientId = randomUUID();
      const mine = await sendOk(a.socket, room.id, 'from Ash', clientId);
      const theirs = await sendOk(b.socket, room.id, 'from Birch', clientId);
      expect(theirs.id).not.toBe(mine.id);
      expect(theirs).toMatchObject({ seq: 2, body: 'from Birch', author: { handle: 'Birch' } });
    });

    const redactions: [string, string, string, string][] = [
      ['phone', 'call me at 555-123-4567 tonight', '555-123-4567', '[phone removed]'],
      ['email', 'write to sam.jones@example.org ok', 'sam.jones@example.org', '[email removed]'],
      ['url', 'see https://example.com/me for more', 'https://example.com/me', '[link removed]'],
      ['handle', 'find me on insta @sober_sam', '@sober_sam', '[handle removed]'],
    ];
    test.each(redactions)(
      'a %s is redacted for everyone and reported in redactions',
      async (kind, body, raw, placeholder) => {
        const room = await newRoom();
        const a = await joinAs(t, jar, room.id, 'Ash');
        const b = await joinAs(t, jar, room.id, 'Birch');
        const received = nextEvent<MessageView>(b.socket, 'message:new');
        const sent = await sendOk(a.socket, room.id, body);
        expect(sent.redactions).toEqual([kind]);
        expect(sent.body).not.toContain(raw);
        expect(sent.body).toContain(placeholder);
        expect((await received).body).toBe(sent.body);
        const stored = await sql<{ body: string }>(
          t.databaseUrl,
          `SELECT body FROM message WHERE id = $1`,
          [sent.id],
        );
        expect(stored[0]?.body).toBe(sent.body);
      },
    );

    test('an email address is redacted even when its domain is the handle of someone present', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      // Ordinary handles that happen to be mail or web domains.
      await joinAs(t, jar, room.id, 'Sky');
      await joinAs(t, jar, room.id, 'gmail');
      const cases: [string, string][] = [
        ['write to sam@sky.com after the meeting', 'sam@sky.com'],
        ['email me at jane@gmail.com', 'jane@gmail.com'],
        ['jane@gmail works too', 'jane@gmail'],
      ];
      for (const [body, raw] of cases) {
        const sent = await sendOk(a.socket, room.id, body);
        expect({ body: sent.body, redactions: sent.redactions }).toEqual({
          body: body.replace(raw, '[email removed]'),
          redactions: ['email'],
        });
      }
    });

    test('several kinds at once are all listed', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const sent = await sendOk(
        a.socket,
        room.id,
        'text 555-123-4567 or mail me at sam@example.org',
      );
      expect([...sent.redactions].sort()).toEqual(['email', 'phone']);
      expect(sent.body).not.toMatch(/555|sam@/);
    });

    test('a crisis message gives the sender (only) a safety event with 988 and SAMHSA', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const bSafety = collect(b.socket, 'safety');
      const witnessed = messageArrives(b.socket, 'I want to kill myself');
      const safety = nextEvent<{
        roomId: string;
        resources: { name: string; phone?: string; url: string }[];
      }>(a.socket, 'safety');
      const sent = await sendOk(a.socket, room.id, 'I want to kill myself');
      const event = await safety;
      expect(event.roomId).toBe(room.id);
      for (const r of event.resources) {
        expect(typeof r.name).toBe('string');
        expect(typeof r.url).toBe('string');
      }
      const phones = event.resources.map((r) => r.phone);
      expect(phones).toContain('988');
      expect(phones).toContain('1-800-662-4357');
      expect(phones).not.toContain('911');
      // The message itself is delivered as usual.
      expect(sent.body).toBe('I want to kill myself');
      await witnessed;
      await roundTrip(b.socket);
      expect(bSafety).toEqual([]);
    });

    test('an overdose message lists emergency services as well', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const safety = nextEvent<{ roomId: string; resources: { name: string; phone?: string }[] }>(
        a.socket,
        'safety',
      );
      await sendOk(a.socket, room.id, "my friend isn't breathing after using, what do I do");
      const event = await safety;
      const phones = event.resources.map((r) => r.phone);
      expect(phones).toContain('911');
      expect(phones).toContain('988');
      expect(phones).toContain('1-800-662-4357');
    });

    test('"I have 90 days" gets no safety event', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const safety = collect<{ roomId: string }>(a.socket, 'safety');
      const calm = await sendOk(a.socket, room.id, 'I have 90 days');
      expect(calm.body).toBe('I have 90 days');
      // A crisis message afterwards is the barrier: its notice is the only one.
      const notice = nextEvent(a.socket, 'safety');
      await sendOk(a.socket, room.id, 'I want to kill myself');
      await notice;
      expect(safety).toHaveLength(1);
    });

    test('an empty or blank body → VALIDATION_FAILED, nothing stored or broadcast', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const received = collect<MessageView>(b.socket, 'message:new');
      expectFailure(await send(a.socket, room.id, ''), 'VALIDATION_FAILED');
      expectFailure(await send(a.socket, room.id, '   \n  '), 'VALIDATION_FAILED');
      const arrives = messageArrives(b.socket, 'now with words');
      const ok = await sendOk(a.socket, room.id, 'now with words');
      expect(ok.seq).toBe(1);
      await arrives;
      expect(received.map((m) => m.seq)).toEqual([1]);
    });

    test('a socket that has not joined → NOT_IN_ROOM', async () => {
      const room = await newRoom();
      await joinAs(t, jar, room.id, 'Ash');
      const outsider = await bareSocket();
      expectFailure(await send(outsider, room.id, 'let me in'), 'NOT_IN_ROOM');
    });
  });

  describe('room:sync and message:history', () => {
    let room: RoomDto;
    let reader: Socket;

    beforeAll(async () => {
      room = await newRoom();
      const writer = await joinAs(t, jar, room.id, 'Writer');
      await insertMessages(t.databaseUrl, room.id, writer.self.memberId, 600);
      reader = (await joinAs(t, jar, room.id, 'Reader')).socket;
    });

    test('room:sync returns at most 500, ascending, with hasMore; then the rest', async () => {
      const first = await emitAck<{ messages: MessageView[]; hasMore: boolean }>(
        reader,
        'room:sync',
        {
          roomId: room.id,
          afterSeq: 0,
        },
      );
      expect(first.ok).toBe(true);
      expect(Object.keys(first.data ?? {}).sort()).toEqual(['hasMore', 'messages']);
      expect(first.data?.hasMore).toBe(true);
      expect(seqs(first.data?.messages ?? [])).toEqual(range(1, 500));
      const rest = await emitAck<{ messages: MessageView[]; hasMore: boolean }>(
        reader,
        'room:sync',
        {
          roomId: room.id,
          afterSeq: 500,
        },
      );
      expect(rest.data?.hasMore).toBe(false);
      expect(seqs(rest.data?.messages ?? [])).toEqual(range(501, 600));
      const none = await emitAck<{ messages: MessageView[]; hasMore: boolean }>(
        reader,
        'room:sync',
        {
          roomId: room.id,
          afterSeq: 600,
        },
      );
      expect(none.data).toEqual({ messages: [], hasMore: false });
      const exact = await emitAck<{ messages: MessageView[]; hasMore: boolean }>(
        reader,
        'room:sync',
        {
          roomId: room.id,
          afterSeq: 100,
        },
      );
      // 500 after seq 100 are 101…600: exactly the limit, nothing more to fetch.
      expect(seqs(exact.data?.messages ?? [])).toEqual(range(101, 600));
      expect(exact.data?.hasMore).toBe(false);
    });

    test('message:history defaults to the newest 50, oldest first', async () => {
      const reply = await emitAck<{ messages: MessageView[] }>(reader, 'message:history', {
        roomId: room.id,
      });
      expect(Object.keys(reply.data ?? {})).toEqual(['messages']);
      expect(seqs(reply.data?.messages ?? [])).toEqual(range(551, 600));
    });

    test('message:history with beforeSeq and limit', async () => {
      const page = await emitAck<{ messages: MessageView[] }>(reader, 'message:history', {
        roomId: room.id,
        beforeSeq: 10,
        limit: 3,
      });
      expect(seqs(page.data?.messages ?? [])).toEqual([7, 8, 9]);
      const start = await emitAck<{ messages: MessageView[] }>(reader, 'message:history', {
        roomId: room.id,
        beforeSeq: 3,
        limit: 100,
      });
      expect(seqs(start.data?.messages ?? [])).toEqual([1, 2]);
      const none = await emitAck<{ messages: MessageView[] }>(reader, 'message:history', {
        roomId: room.id,
        beforeSeq: 1,
      });
      expect(none.data).toEqual({ messages: [] });
      const max = await emitAck<{ messages: MessageView[] }>(reader, 'message:history', {
        roomId: room.id,
        limit: 100,
      });
      expect(seqs(max.data?.messages ?? [])).toEqual(range(501, 600));
    });

    test('message:history refuses a limit over 100 or under 1', async () => {
      for (const limit of [101, 0, -1, 1.5]) {
        expectFailure(
          await emitAck(reader, 'message:history', { roomId: room.id, limit }),
          'VALIDATION_FAILED',
        );
      }
    });
  });

  describe('message:report', () => {
    test('acks { reportId }; the room’s facilitators get report:new, participants do not', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const facilitator = jar.add(await connectSocket(t.baseUrl, admin));
      expect((await emitAck(facilitator, 'room:join', { roomId: room.id, handle: 'Jo' })).ok).toBe(
        true,
      );
      const aReports = collect(a.socket, 'report:new');
      const msg = await sendOk(a.socket, room.id, 'something rude');
      const seen = nextEvent<{ reportId: string }>(facilitator, 'report:new');
      const reply = await emitAck<{ reportId: string }>(b.socket, 'message:report', {
        roomId: room.id,
        messageId: msg.id,
        reason: 'Rude to a newcomer',
      });
      expect(reply).toEqual({
        ok: true,
        data: { reportId: expect.stringMatching(UUID) as string },
      });
      expect(await seen).toEqual({
        reportId: reply.data?.reportId,
        roomId: room.id,
        messageId: msg.id,
        reason: 'Rude to a newcomer',
      });
      const stored = await sql<{ message_id: string; room_id: string; status: string }>(
        t.databaseUrl,
        `SELECT message_id, room_id, status FROM message_report WHERE id = $1`,
        [reply.data?.reportId],
      );
      expect(stored).toEqual([{ message_id: msg.id, room_id: room.id, status: 'open' }]);
      await roundTrip(a.socket);
      expect(aReports).toEqual([]);
    });

    test('the message must exist in that room → NOT_FOUND otherwise', async () => {
      const room = await newRoom();
      const elsewhere = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const x = await joinAs(t, jar, elsewhere.id, 'Xan');
      const foreign = await sendOk(x.socket, elsewhere.id, 'in another room');
      expectFailure(
        await emitAck(a.socket, 'message:report', {
          roomId: room.id,
          messageId: foreign.id,
          reason: 'spam',
        }),
        'NOT_FOUND',
      );
      expectFailure(
        await emitAck(a.socket, 'message:report', {
          roomId: room.id,
          messageId: randomUUID(),
          reason: 'spam',
        }),
        'NOT_FOUND',
      );
      const count = await sql<{ n: number }>(
        t.databaseUrl,
        `SELECT count(*)::int AS n FROM message_report WHERE room_id IN ($1, $2)`,
        [room.id, elsewhere.id],
      );
      expect(count[0]?.n).toBe(0);
    });

    test('the reason must be 1 to 500 characters', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const msg = await sendOk(a.socket, room.id, 'hello');
      for (const reason of ['', 'x'.repeat(501)]) {
        expectFailure(
          await emitAck(a.socket, 'message:report', { roomId: room.id, messageId: msg.id, reason }),
          'VALIDATION_FAILED',
        );
      }
      const ok = await emitAck(a.socket, 'message:report', {
        roomId: room.id,
        messageId: msg.id,
        reason: 'x'.repeat(500),
      });
      expect(ok.ok).toBe(true);
    });
  });

  describe('hand:raise and hand:lower', () => {
    test('positions 1, 2 in order; presence shows handRaised; room:state shareQueue in order', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const c = await joinAs(t, jar, room.id, 'Cedar');
      const A = a.self.memberId;
      const B = b.self.memberId;

      const stateA = nextEvent<RoomStateView>(
        c.socket,
        'room:state',
        (s) => s.shareQueue.length === 1,
      );
      const presenceA = waitForPresence(c.socket, room.id, (ms) =>
        ms.some((m) => m.memberId === A && m.handRaised),
      );
      expect(await emitAck(a.socket, 'hand:raise', { roomId: room.id })).toEqual({
        ok: true,
        data: { position: 1 },
      });
      expect((await stateA).shareQueue).toEqual([A]);
      const p1 = await presenceA;
      expect(p1.members.find((m) => m.memberId === B)?.handRaised).toBe(false);

      const stateAB = nextEvent<RoomStateView>(
        c.socket,
        'room:state',
        (s) => s.shareQueue.length === 2,
      );
      expect(await emitAck(b.socket, 'hand:raise', { roomId: room.id })).toEqual({
        ok: true,
        data: { position: 2 },
      });
      const s2 = await stateAB;
      expect(s2).toMatchObject({ id: room.id, status: 'open', shareQueue: [A, B] });
      expect(Object.keys(s2).sort()).toEqual(ROOM_STATE_KEYS);

      // Raising again keeps your place.
      expect(await emitAck(a.socket, 'hand:raise', { roomId: room.id })).toEqual({
        ok: true,
        data: { position: 1 },
      });

      const stateB = nextEvent<RoomStateView>(
        c.socket,
        'room:state',
        (s) => s.shareQueue.length === 1,
      );
      const presenceLowered = waitForPresence(c.socket, room.id, (ms) =>
        ms.some((m) => m.memberId === A && !m.handRaised),
      );
      expect(await emitAck(a.socket, 'hand:lower', { roomId: room.id })).toEqual({
        ok: true,
        data: {},
      });
      expect((await stateB).shareQueue).toEqual([B]);
      const p2 = await presenceLowered;
      expect(p2.members.find((m) => m.memberId === B)?.handRaised).toBe(true);

      expect(await emitAck(b.socket, 'hand:raise', { roomId: room.id })).toEqual({
        ok: true,
        data: { position: 1 },
      });
      expect(await emitAck(a.socket, 'hand:raise', { roomId: room.id })).toEqual({
        ok: true,
        data: { position: 2 },
      });
    });

    test('a rejoin keeps a raised hand; a lower without a raise is fine', async () => {
      const room = await newRoom();
      const p = await newParticipant(t);
      const a = await joinAs(t, jar, room.id, 'Ash', { participant: p });
      expect(await emitAck(a.socket, 'hand:lower', { roomId: room.id })).toEqual({
        ok: true,
        data: {},
      });
      await emitAck(a.socket, 'hand:raise', { roomId: room.id });
      a.socket.disconnect();
      const again = await joinAs(t, jar, room.id, 'Ash', { participant: p });
      expect(again.self).toMatchObject({ memberId: a.self.memberId, handRaised: true });
      expect(again.ack.room.shareQueue).toEqual([a.self.memberId]);
    });

    test('not in the room → NOT_IN_ROOM', async () => {
      const room = await newRoom();
      const socket = await bareSocket();
      expectFailure(await emitAck(socket, 'hand:raise', { roomId: room.id }), 'NOT_IN_ROOM');
      expectFailure(await emitAck(socket, 'hand:lower', { roomId: room.id }), 'NOT_IN_ROOM');
    });
  });

  describe('typing', () => {
    test('the others get typing with memberId and handle; the sender does not', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const aTyping = collect<{ memberId: string }>(a.socket, 'typing');
      const seen = nextEvent(b.socket, 'typing');
      a.socket.emit('typing', { roomId: room.id });
      expect(await seen).toEqual({ roomId: room.id, memberId: a.self.memberId, handle: 'Ash' });
      // Barrier: B types; A receives only that.
      const bTyped = nextEvent(a.socket, 'typing');
      b.socket.emit('typing', { roomId: room.id });
      await bTyped;
      expect(aTyping).toEqual([{ roomId: room.id, memberId: b.self.memberId, handle: 'Birch' }]);
    });

    test('a flood of typing is throttled before any database work', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const lookups = jest.spyOn(t.app.get(RoomsRepository), 'connectionMember');
      try {
        const bTyping = collect<{ memberId: string }>(b.socket, 'typing');
        const seen = nextEvent(b.socket, 'typing');
        for (let i = 0; i < 100; i += 1) a.socket.emit('typing', { roomId: room.id });
        await seen;
        // Barrier: A's events are handled in order, so by this answer all 100 have been.
        await roundTrip(a.socket);
        await roundTrip(b.socket);
        const forA = lookups.mock.calls.filter(
          ([socketId, roomId]) => socketId === a.socket.id && roomId === room.id,
        );
        // One typing event got through the throttle (and was looked up); 99 cost nothing.
        expect({ lookups: forA.length, delivered: bTyping.length }).toEqual({
          lookups: 1,
          delivered: 1,
        });
      } finally {
        lookups.mockRestore();
      }
    });

    test('typing from a socket that has not joined reaches no one', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const outsider = await bareSocket();
      const aTyping = collect<{ memberId: string }>(a.socket, 'typing');
      outsider.emit('typing', { roomId: room.id });
      await roundTrip(outsider);
      // Barrier: a member's typing reaches A; the outsider's never did.
      const bTyped = nextEvent(a.socket, 'typing');
      b.socket.emit('typing', { roomId: room.id });
      await bTyped;
      expect(aTyping.map((e) => e.memberId)).toEqual([b.self.memberId]);
    });
  });

  describe('room:state and room:closed', () => {
    test('closing a room by hand: room:closed to every member, then they are out of it', async () => {
      const room = await newRoom();
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const closedA = settle(nextEvent(a.socket, 'room:closed', () => true, 5_000));
      const closedB = settle(nextEvent(b.socket, 'room:closed', () => true, 5_000));
      const res = await api<RoomDto>(t, 'PATCH', `/rooms/${room.id}`, {
        token: admin,
        body: { status: 'closed' },
      });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('closed');
      expect({ toA: await closedA, toB: await closedB }).toEqual({
        toA: { ok: true, value: { roomId: room.id } },
        toB: { ok: true, value: { roomId: room.id } },
      });
      const reply = await send(a.socket, room.id, 'anyone?');
      expect(reply.ok).toBe(false);
      expect(['NOT_IN_ROOM', 'ROOM_CLOSED']).toContain(reply.error?.code);
      expectFailure(
        await emitAck(b.socket, 'room:join', { roomId: room.id, handle: 'Birch' }),
        'ROOM_CLOSED',
      );
      expect((await api<RoomDto>(t, 'GET', `/rooms/${room.id}`)).body.memberCount).toBe(0);
    });
  });
});

describe('room events: reconnect and restart', () => {
  let db: TestDatabase;
  let first: TestApp | undefined;
  let second: TestApp | undefined;
  const jar = new SocketJar();

  beforeAll(async () => {
    db = await createTestDatabase();
    first = await startTestApp({ env: ROOMS_ENV, databaseUrl: db.url });
  });

  afterAll(async () => {
    jar.closeAll();
    await second?.close();
    await first?.close();
    await db.drop();
  });

  test('a reconnect with a new socket, then a restart: every acknowledged message exactly once', async () => {
    const t1 = first as TestApp;
    const admin = await login(t1);
    const room = await createRoom(t1, admin);
    const alice = await newParticipant(t1);
    const bob = await newParticipant(t1);
    const a = await joinAs(t1, jar, room.id, 'Alice', { participant: alice });
    const b = await joinAs(t1, jar, room.id, 'Bob', { participant: bob });
    const acked: MessageView[] = [];
    const bobGot = collect<MessageView>(b.socket, 'message:new');
    const thirdArrives = messageArrives(b.socket, 'before 3');
    for (let i = 1; i <= 3; i++) acked.push(await sendOk(a.socket, room.id, `before ${i}`));
    await thirdArrives;
    const lastSeen = Math.max(...bobGot.map((m) => m.seq));
    expect(lastSeen).toBe(3);

    // Bob drops off; Alice keeps talking.
    const gone = waitForPresence(a.socket, room.id, lacksMember(b.self.memberId));
    b.socket.disconnect();
    await gone;
    for (let i = 1; i <= 4; i++) acked.push(await sendOk(a.socket, room.id, `while away ${i}`));

    // Bob comes back on a new socket with the same token.
    const b2 = await joinAs(t1, jar, room.id, 'Bob', { participant: bob });
    expect(b2.self.memberId).toBe(b.self.memberId);
    const missed = await emitAck<{ messages: MessageView[]; hasMore: boolean }>(
      b2.socket,
      'room:sync',
      {
        roomId: room.id,
        afterSeq: lastSeen,
      },
    );
    expect(missed.data?.hasMore).toBe(false);
    expect(missed.data?.messages.map(withoutRedactions)).toEqual(
      acked.slice(3).map(withoutRedactions),
    );

    // Restart: close this instance, start a new one on the same database.
    const closing = Promise.all([disconnected(a.socket), disconnected(b2.socket)]);
    await t1.app.close();
    first = undefined;
    await closing;
    // (The database stays: it is ours, not the app's.)
    const t2 = await startTestApp({ env: ROOMS_ENV, databaseUrl: db.url });
    second = t2;

    const a2 = await joinAs(t2, jar, room.id, 'Alice', { participant: alice });
    expect(a2.self.memberId).toBe(a.self.memberId);
    // Nobody else is present any more: the old instance's connections went with it.
    expect(a2.ack.members.map((m: MemberView) => m.memberId)).toEqual([a.self.memberId]);
    expect(a2.ack.messages.map(withoutRedactions)).toEqual(acked.map(withoutRedactions));
    const all = await emitAck<{ messages: MessageView[]; hasMore: boolean }>(
      a2.socket,
      'room:sync',
      {
        roomId: room.id,
        afterSeq: 0,
      },
    );
    expect(all.data?.hasMore).toBe(false);
    expect(all.data?.messages.map(withoutRedactions)).toEqual(acked.map(withoutRedactions));
    const ids = all.data?.messages.map((m) => m.id) ?? [];
    expect(new Set(ids).size).toBe(ids.length);

    // A retry of a message sent before the restart still returns the first one.
    const retry = await sendOk(a2.socket, room.id, 'before 1', acked[0]?.clientId);
    expect(withoutRedactions(retry)).toEqual(withoutRedactions(acked[0] as MessageView));
    // And the room's seq carries on.
    const after = await sendOk(a2.socket, room.id, 'after the restart');
    expect(after.seq).toBe(acked.length + 1);
  });
});

describe('room events: limits', () => {
  let t: TestApp;
  let admin: string;
  const jar = new SocketJar();

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...ROOMS_ENV,
        MESSAGE_BURST: '3',
        MESSAGES_PER_MINUTE: '60',
        ROOM_MAX_MEMBERS: '2',
        ROOMS_PER_SOCKET: '1',
      },
    });
    admin = await login(t);
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  test('a body over 2000 characters → VALIDATION_FAILED; exactly 2000 is fine', async () => {
    const room = await createRoom(t, admin);
    const a = await joinAs(t, jar, room.id, 'Ash');
    expectFailure(await send(a.socket, room.id, 'x'.repeat(2001)), 'VALIDATION_FAILED');
    const ok = await sendOk(a.socket, room.id, 'y'.repeat(2000));
    expect(ok.body).toHaveLength(2000);
    expect(ok.seq).toBe(1);
  });

  test('MESSAGE_BURST=3: the 4th immediate send → RATE_LIMITED; others still send; no seq gap', async () => {
    const room = await createRoom(t, admin);
    const a = await joinAs(t, jar, room.id, 'Ash');
    const b = await joinAs(t, jar, room.id, 'Birch');
    const bReceived = collect<MessageView>(b.socket, 'message:new');
    const lastArrives = messageArrives(b.socket, 'one too many');
    for (let i = 1; i <= 3; i++)
      expect((await send(a.socket, room.id, `burst ${i}`)).ok).toBe(true);
    const limitedId = randomUUID();
    expectFailure(await send(a.socket, room.id, 'one too many', limitedId), 'RATE_LIMITED');
    // Another member is not affected.
    const fromB = await sendOk(b.socket, room.id, 'my turn');
    expect(fromB.seq).toBe(4);
    // MESSAGES_PER_MINUTE=60 refills one a second; the refused message can then be retried.
    await sleep(1_100);
    const retried = await sendOk(a.socket, room.id, 'one too many', limitedId);
    expect(retried.seq).toBe(5);
    await lastArrives;
    expect(bReceived.map((m) => m.body)).toEqual(['burst 1', 'burst 2', 'burst 3', 'one too many']);
  });

  test('ROOM_MAX_MEMBERS=2: a third → ROOM_LOCKED; a seat frees when someone leaves', async () => {
    const room = await createRoom(t, admin);
    const a = await joinAs(t, jar, room.id, 'Ash');
    await joinAs(t, jar, room.id, 'Birch');
    const c = jar.add(await connectSocket(t.baseUrl, (await newParticipant(t)).token));
    expectFailure(
      await emitAck(c, 'room:join', { roomId: room.id, handle: 'Cedar' }),
      'ROOM_LOCKED',
    );
    // Those already in may join again.
    expect((await emitAck(a.socket, 'room:join', { roomId: room.id, handle: 'Ash' })).ok).toBe(
      true,
    );
    await emitAck(a.socket, 'room:leave', { roomId: room.id });
    expect((await emitAck(c, 'room:join', { roomId: room.id, handle: 'Cedar' })).ok).toBe(true);
    const listed = await api<RoomDto>(t, 'GET', `/rooms/${room.id}`);
    expect(listed.body.memberCount).toBe(2);
  });

  test('ROOM_MAX_MEMBERS=2: someone who left earlier cannot come back into a full room', async () => {
    const room = await createRoom(t, admin);
    const p = await newParticipant(t);
    const a = await joinAs(t, jar, room.id, 'Ash', { participant: p });
    await joinAs(t, jar, room.id, 'Birch');
    await emitAck(a.socket, 'room:leave', { roomId: room.id });
    await joinAs(t, jar, room.id, 'Cedar');
    // Ash's seat went to Cedar: the room is full again.
    expectFailure(
      await emitAck(a.socket, 'room:join', { roomId: room.id, handle: 'Ash' }),
      'ROOM_LOCKED',
    );
    const listed = await api<RoomDto>(t, 'GET', `/rooms/${room.id}`);
    expect(listed.body.memberCount).toBe(2);
  });

  test('ROOMS_PER_SOCKET=1: joining a second room → RATE_LIMITED; after leaving, it works', async () => {
    const one = await createRoom(t, admin);
    const two = await createRoom(t, admin);
    const a = await joinAs(t, jar, one.id, 'Ash');
    expectFailure(
      await emitAck(a.socket, 'room:join', { roomId: two.id, handle: 'Ash' }),
      'RATE_LIMITED',
    );
    // Not in the second room.
    expectFailure(await send(a.socket, two.id, 'hi'), 'NOT_IN_ROOM');
    // Joining the same room again is not a second room.
    expect((await emitAck(a.socket, 'room:join', { roomId: one.id, handle: 'Ash' })).ok).toBe(true);
    await emitAck(a.socket, 'room:leave', { roomId: one.id });
    expect((await emitAck(a.socket, 'room:join', { roomId: two.id, handle: 'Ash' })).ok).toBe(true);
    // Another socket of the same participant has its own allowance.
    const sameParticipant = await joinAs(t, jar, one.id, 'Ash', { participant: a.participant });
    expect(sameParticipant.self.handle).toBe('Ash');
  });
});
