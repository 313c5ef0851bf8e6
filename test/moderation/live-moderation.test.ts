/**
 * End-to-end: every facilitator-only socket event of CONTRACT.md §3 (mod:mute, mod:unmute,
 * mod:kick, mod:ban, mod:delete, mod:pin, mod:admit, room:update, room:close) against the real
 * service and PostgreSQL, seen from the facilitator, the member it is about, and the rest of
 * the room. The share queue (share:next / share:end) has a file of its own.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, login } from '../support/http.js';
import { collect, emitAck, newParticipant, nextEvent } from '../support/sockets.js';
import {
  ackData,
  assign,
  auditOf,
  createFacilitator,
  expectAckError,
  groupMeeting,
  joinAccount,
  joinParticipant,
  meetingRoom,
  MOD_ENV,
  openRoom,
  send,
  sendOk,
  SocketPool,
  sql,
  type JoinAck,
  type MemberView,
  type MessageView,
  type ModerationEvent,
  type RoomStateView,
} from './moderation-fixtures.js';

interface Presence {
  roomId: string;
  members: MemberView[];
}

const MINUTE = 60_000;

function closeTo(iso: string | undefined, expectedMs: number, toleranceMs = 10_000): boolean {
  return iso !== undefined && Math.abs(Date.parse(iso) - expectedMs) <= toleranceMs;
}

describe('live moderation over sockets', () => {
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

  /** A fresh open room with the admin present as its facilitator. */
  async function hostedRoom(
    name: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ roomId: string; host: Socket; hostMemberId: string }> {
    const roomId = await openRoom(t, admin, name, extra);
    const host = await joinAccount(t, pool, roomId, 'Host', admin);
    expect(host.join.self.role).toBe('facilitator');
    return { roomId, host: host.socket, hostMemberId: host.memberId };
  }

  async function mutedUntil(memberId: string): Promise<unknown> {
    const [row] = await sql<{ muted_until: unknown }>(
      t,
      'SELECT muted_until FROM room_member WHERE id = $1',
      [memberId],
    );
    return row?.muted_until;
  }

  describe('mod:mute and mod:unmute', () => {
    test('a timed mute: the member is told until when, cannot send, and can again once it runs out', async () => {
      const { roomId, host } = await hostedRoom('Timed mute');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      const told = nextEvent<ModerationEvent>(pat.socket, 'moderation');
      const seen = nextEvent<Presence>(host, 'presence', (p) =>
        p.members.some((m) => m.memberId === pat.memberId && m.muted),
      );
      const before = Date.now();
      expect(
        await emitAck(host, 'mod:mute', {
          roomId,
          memberId: pat.memberId,
          minutes: 5,
          reason: 'cool down',
        }),
      ).toEqual({ ok: true, data: {} });
      const event = await told;
      expect(event).toEqual({
        roomId,
        action: 'muted',
        until: expect.any(String) as string,
        reason: 'cool down',
      });
      expect(closeTo(event.until, before + 5 * MINUTE)).toBe(true);
      await seen;

      expectAckError(await send(pat.socket, roomId, 'can I talk?'), 'MUTED');
      // Hands, reading and sync still work for a muted member.
      expect(await emitAck(pat.socket, 'room:sync', { roomId, afterSeq: 0 })).toMatchObject({
        ok: true,
      });

      // Five minutes pass.
      await sql(
        t,
        `UPDATE room_member SET muted_until = now() - interval '1 second' WHERE id = $1`,
        [pat.memberId],
      );
      expect(await send(pat.socket, roomId, 'thank you for waiting')).toMatchObject({
        ok: true,
        data: { body: 'thank you for waiting' },
      });
    });

    test('a lasting mute (no minutes): no until, and sending stays refused', async () => {
      const { roomId, host } = await hostedRoom('Lasting mute');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      const told = nextEvent<ModerationEvent>(pat.socket, 'moderation');
      expect(await emitAck(host, 'mod:mute', { roomId, memberId: pat.memberId })).toEqual({
        ok: true,
        data: {},
      });
      expect(await told).toEqual({ roomId, action: 'muted' });
      expectAckError(await send(pat.socket, roomId, 'hello?'), 'MUTED');
      // Reconnecting does not shake it off.
      const again = await pool.connect(t, pat.token);
      expect(await emitAck(again, 'room:join', { roomId, handle: 'Pat' })).toMatchObject({
        ok: true,
      });
      expectAckError(await send(again, roomId, 'hello now?'), 'MUTED');
    });

    test('a lasting mute does not break the room: others still join, and see the member as muted', async () => {
      const { roomId, host } = await hostedRoom('Lasting mute presence');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      await emitAck(host, 'mod:mute', { roomId, memberId: pat.memberId });
      const newcomer = await newParticipant(t);
      const socket = await pool.connect(t, newcomer.token);
      const joined = await emitAck<JoinAck>(socket, 'room:join', { roomId, handle: 'Newcomer' });
      expect(joined.ok).toBe(true);
      expect(joined.data?.members.find((m) => m.memberId === pat.memberId)).toMatchObject({
        muted: true,
      });
      expect(await send(socket, roomId, 'hi all')).toMatchObject({ ok: true });
    });

    test('mod:unmute: the member is told, and may speak again', async () => {
      const { roomId, host } = await hostedRoom('Unmute');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      await emitAck(host, 'mod:mute', { roomId, memberId: pat.memberId, minutes: 60 });
      expectAckError(await send(pat.socket, roomId, 'muted'), 'MUTED');
      const told = nextEvent<ModerationEvent>(
        pat.socket,
        'moderation',
        (e) => e.action === 'unmuted',
      );
      const seen = nextEvent<Presence>(host, 'presence', (p) =>
        p.members.some((m) => m.memberId === pat.memberId && !m.muted),
      );
      expect(
        // The contract's payload for mute and unmute is one: minutes are allowed, and unused.
        await emitAck(host, 'mod:unmute', {
          roomId,
          memberId: pat.memberId,
          minutes: 5,
          reason: 'all good',
        }),
      ).toEqual({ ok: true, data: {} });
      expect(await told).toEqual({ roomId, action: 'unmuted', reason: 'all good' });
      await seen;
      expect(await mutedUntil(pat.memberId)).toBeNull();
      expect(await send(pat.socket, roomId, 'thanks')).toMatchObject({ ok: true });
    });

    test('bad payloads and members of other rooms are refused and change nothing', async () => {
      const { roomId, host } = await hostedRoom('Mute validation');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      const elsewhere = await hostedRoom('Mute validation elsewhere');
      const other = await joinParticipant(t, pool, elsewhere.roomId, 'Other');
      for (const payload of [
        { roomId, memberId: pat.memberId, minutes: 0 },
        { roomId, memberId: pat.memberId, minutes: 'five' },
        { roomId, memberId: pat.memberId, minutes: 1.5 },
        { roomId, memberId: 'not-a-member' },
        { roomId },
      ]) {
        expectAckError(await emitAck(host, 'mod:mute', payload), 'VALIDATION_FAILED');
      }
      expectAckError(
        await emitAck(host, 'mod:mute', { roomId, memberId: other.memberId }),
        'NOT_FOUND',
      );
      expect(await mutedUntil(pat.memberId)).toBeNull();
      expect(await mutedUntil(other.memberId)).toBeNull();
    });
  });

  describe('mod:kick', () => {
    test('the member is told why, leaves the room and its presence, and may come back', async () => {
      const { roomId, host } = await hostedRoom('Kick');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      const sky = await joinParticipant(t, pool, roomId, 'Sky');
      const patMessages = collect<MessageView>(pat.socket, 'message:new');
      const told = nextEvent<ModerationEvent>(pat.socket, 'moderation');
      const left = nextEvent<Presence>(
        sky.socket,
        'presence',
        (p) => !p.members.some((m) => m.memberId === pat.memberId),
      );
      expect(
        await emitAck(host, 'mod:kick', { roomId, memberId: pat.memberId, reason: 'crosstalk' }),
      ).toEqual({ ok: true, data: {} });
      expect(await told).toEqual({ roomId, action: 'kicked', reason: 'crosstalk' });
      expect((await left).members.map((m) => m.handle).sort()).toEqual(['Host', 'Sky']);

      // Out of the room: cannot send, and no longer receives the room's messages.
      expectAckError(await send(pat.socket, roomId, 'still here?'), 'NOT_IN_ROOM');
      const skyGets = nextEvent<MessageView>(sky.socket, 'message:new');
      await sendOk(host, roomId, 'moving on');
      await skyGets;
      await emitAck(pat.socket, 'room:sync', { roomId, afterSeq: 0 }); // a round trip on Pat's socket
      expect(patMessages.map((m) => m.body)).not.toContain('moving on');

      // A kick is not a ban: Pat may join again, with the same token.
      const back = nextEvent<Presence>(sky.socket, 'presence', (p) =>
        p.members.some((m) => m.memberId === pat.memberId),
      );
      const rejoined = await emitAck<JoinAck>(pat.socket, 'room:join', { roomId, handle: 'Pat' });
      expect(rejoined).toMatchObject({ ok: true, data: { self: { memberId: pat.memberId } } });
      await back;
      expect(await send(pat.socket, roomId, 'sorry about that')).toMatchObject({ ok: true });
    });
  });

  describe('mod:ban', () => {
    test('a timed room ban: told until when, out now, refused on rejoin (same or new socket) until it runs out', async () => {
      const { roomId, host } = await hostedRoom('Timed ban');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      const told = nextEvent<ModerationEvent>(pat.socket, 'moderation');
      const before = Date.now();
      expect(
        await emitAck(host, 'mod:ban', {
          roomId,
          memberId: pat.memberId,
          minutes: 30,
          reason: 'spam',
        }),
      ).toEqual({ ok: true, data: {} });
      const event = await told;
      expect(event).toEqual({
        roomId,
        action: 'banned',
        until: expect.any(String) as string,
        reason: 'spam',
      });
      expect(closeTo(event.until, before + 30 * MINUTE)).toBe(true);
      expectAckError(await send(pat.socket, roomId, 'hello?'), 'NOT_IN_ROOM');
      expectAckError(await emitAck(pat.socket, 'room:join', { roomId, handle: 'Pat' }), 'BANNED');
      const fresh = await pool.connect(t, pat.token);
      expectAckError(await emitAck(fresh, 'room:join', { roomId, handle: 'Pat 2' }), 'BANNED');

      // A room ban is for this room only.
      const other = await hostedRoom('Timed ban, other room');
      expect(
        await emitAck(fresh, 'room:join', { roomId: other.roomId, handle: 'Pat' }),
      ).toMatchObject({ ok: true });

      // Thirty minutes pass.
      await sql(
        t,
        `UPDATE ban SET expires_at = now() - interval '1 second' WHERE participant_id = $1`,
        [pat.participantId],
      );
      expect(await emitAck(fresh, 'room:join', { roomId, handle: 'Pat' })).toMatchObject({
        ok: true,
      });
    });

    test('a lasting room ban (no minutes): no until, and it does not run out', async () => {
      const { roomId, host } = await hostedRoom('Lasting ban');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      const told = nextEvent<ModerationEvent>(pat.socket, 'moderation');
      expect(await emitAck(host, 'mod:ban', { roomId, memberId: pat.memberId })).toEqual({
        ok: true,
        data: {},
      });
      expect(await told).toEqual({ roomId, action: 'banned' });
      const [ban] = await sql<{ expires_at: unknown }>(
        t,
        'SELECT expires_at FROM ban WHERE participant_id = $1',
        [pat.participantId],
      );
      expect(ban).toEqual({ expires_at: null });
      const again = await pool.connect(t, pat.token);
      expectAckError(await emitAck(again, 'room:join', { roomId, handle: 'Pat' }), 'BANNED');
    });

    describe('group scope', () => {
      let roomA: string;
      let roomB: string;
      let roomOther: string;

      beforeAll(async () => {
        const a = await groupMeeting(t, admin, 'Harbor Monday', 'Harbor Group');
        const b = await groupMeeting(t, admin, 'Harbor Thursday', 'Harbor Group', { day: 4 });
        const c = await groupMeeting(t, admin, 'Lighthouse Friday', 'Lighthouse Group', { day: 5 });
        roomA = await meetingRoom(t, admin, a.slug);
        roomB = await meetingRoom(t, admin, b.slug);
        roomOther = await meetingRoom(t, admin, c.slug);
      });

      test('a group ban keeps the participant out of every room of the group, not of other groups', async () => {
        const host = await joinAccount(t, pool, roomA, 'Host', admin);
        const pat = await joinParticipant(t, pool, roomA, 'Pat');
        const told = nextEvent<ModerationEvent>(pat.socket, 'moderation');
        expect(
          await emitAck(host.socket, 'mod:ban', {
            roomId: roomA,
            memberId: pat.memberId,
            scope: 'group',
            reason: 'harassment',
          }),
        ).toEqual({ ok: true, data: {} });
        expect(await told).toEqual({ roomId: roomA, action: 'banned', reason: 'harassment' });
        const again = await pool.connect(t, pat.token);
        expectAckError(
          await emitAck(again, 'room:join', { roomId: roomA, handle: 'Pat' }),
          'BANNED',
        );
        expectAckError(
          await emitAck(again, 'room:join', { roomId: roomB, handle: 'Pat' }),
          'BANNED',
        );
        expect(
          await emitAck(again, 'room:join', { roomId: roomOther, handle: 'Pat' }),
        ).toMatchObject({ ok: true });
      });

      test('a group ban also takes the participant out of the group’s other rooms they are in now', async () => {
        const hostA = await joinAccount(t, pool, roomA, 'Host', admin);
        const who = await newParticipant(t);
        const inA = await joinParticipant(t, pool, roomA, 'Quinn', who);
        const inB = await joinParticipant(t, pool, roomB, 'Quinn', who);
        expect(
          await emitAck(hostA.socket, 'mod:ban', {
            roomId: roomA,
            memberId: inA.memberId,
            scope: 'group',
          }),
        ).toEqual({ ok: true, data: {} });
        const reply = await send(inB.socket, roomB, 'I am still in the other room');
        expect(reply.ok).toBe(false);
        expect(['NOT_IN_ROOM', 'BANNED']).toContain(reply.error?.code);
      });

      test('scope "group" in a room without a group is VALIDATION_FAILED and bans nobody', async () => {
        const { roomId, host } = await hostedRoom('No group here');
        const pat = await joinParticipant(t, pool, roomId, 'Pat');
        expectAckError(
          await emitAck(host, 'mod:ban', { roomId, memberId: pat.memberId, scope: 'group' }),
          'VALIDATION_FAILED',
        );
        expectAckError(
          await emitAck(host, 'mod:ban', { roomId, memberId: pat.memberId, scope: 'world' }),
          'VALIDATION_FAILED',
        );
        const bans = await sql(t, 'SELECT 1 FROM ban WHERE participant_id = $1', [
          pat.participantId,
        ]);
        expect(bans).toEqual([]);
        expect(await send(pat.socket, roomId, 'still here')).toMatchObject({ ok: true });
      });
    });
  });

  describe('mod:delete', () => {
    test('the room is told, the message is gone from join, room:sync and message:history, and the audit has it', async () => {
      const { roomId, host } = await hostedRoom('Delete');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      const sky = await joinParticipant(t, pool, roomId, 'Sky');
      const keep1 = await sendOk(sky.socket, roomId, 'first');
      const bad = await sendOk(pat.socket, roomId, 'something hurtful');
      const keep2 = await sendOk(sky.socket, roomId, 'last');

      const skyTold = nextEvent<{ roomId: string; messageId: string }>(
        sky.socket,
        'message:deleted',
      );
      const patTold = nextEvent<{ roomId: string; messageId: string }>(
        pat.socket,
        'message:deleted',
      );
      expect(
        await emitAck(host, 'mod:delete', { roomId, messageId: bad.id, reason: 'hurtful' }),
      ).toEqual({ ok: true, data: {} });
      expect(await skyTold).toEqual({ roomId, messageId: bad.id });
      expect(await patTold).toEqual({ roomId, messageId: bad.id });

      const synced = ackData(
        await emitAck<{ messages: MessageView[] }>(sky.socket, 'room:sync', {
          roomId,
          afterSeq: 0,
        }),
      );
      expect(synced.messages.map((m) => m.id)).toEqual([keep1.id, keep2.id]);
      const history = ackData(
        await emitAck<{ messages: MessageView[] }>(sky.socket, 'message:history', { roomId }),
      );
      expect(history.messages.map((m) => m.id)).toEqual([keep1.id, keep2.id]);
      const late = await joinParticipant(t, pool, roomId, 'Late');
      expect(late.join.messages.map((m) => m.id)).toEqual([keep1.id, keep2.id]);
      expect(JSON.stringify(late.join)).not.toContain('something hurtful');

      const entry = (await auditOf(t, admin, roomId)).find((e) => e.messageId === bad.id);
      expect(entry).toMatchObject({
        action: 'delete',
        roomId,
        messageId: bad.id,
        reason: 'hurtful',
      });

      expectAckError(await emitAck(host, 'mod:delete', { roomId, messageId: bad.id }), 'NOT_FOUND');
      expectAckError(
        await emitAck(host, 'mod:delete', {
          roomId,
          messageId: '00000000-0000-4000-8000-000000000009',
        }),
        'NOT_FOUND',
      );
    });

    test('deleting the pinned message unpins it', async () => {
      const { roomId, host } = await hostedRoom('Delete pinned');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      const msg = await sendOk(pat.socket, roomId, 'pin me then drop me');
      await emitAck(host, 'mod:pin', { roomId, messageId: msg.id });
      const unpinned = nextEvent<RoomStateView>(pat.socket, 'room:state', (s) => s.pinned === null);
      await emitAck(host, 'mod:delete', { roomId, messageId: msg.id });
      expect((await unpinned).pinned).toBeNull();
    });
  });

  describe('mod:pin', () => {
    test('pins a message for everyone (room:state), and mod:pin null unpins it', async () => {
      const { roomId, host } = await hostedRoom('Pin');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      const msg = await sendOk(host, roomId, 'Tonight’s topic: step three');
      const pinned = nextEvent<RoomStateView>(pat.socket, 'room:state', (s) => s.pinned !== null);
      const ack = await emitAck<RoomStateView>(host, 'mod:pin', { roomId, messageId: msg.id });
      expect(ack).toMatchObject({ ok: true, data: { id: roomId, pinned: { id: msg.id } } });
      const state = await pinned;
      expect(state.pinned).toMatchObject({
        id: msg.id,
        body: 'Tonight’s topic: step three',
        pinned: true,
      });
      const late = await joinParticipant(t, pool, roomId, 'Late');
      expect(late.join.room.pinned?.id).toBe(msg.id);
      expect(late.join.messages.find((m) => m.id === msg.id)?.pinned).toBe(true);

      const cleared = nextEvent<RoomStateView>(pat.socket, 'room:state', (s) => s.pinned === null);
      expect(await emitAck(host, 'mod:pin', { roomId, messageId: null })).toMatchObject({
        ok: true,
        data: { pinned: null },
      });
      expect((await cleared).pinned).toBeNull();

      expectAckError(
        await emitAck(host, 'mod:pin', {
          roomId,
          messageId: '00000000-0000-4000-8000-00000000000a',
        }),
        'NOT_FOUND',
      );
      expectAckError(await emitAck(host, 'mod:pin', { roomId }), 'VALIDATION_FAILED');
      const actions = (await auditOf(t, admin, roomId)).map((e) => e.action);
      expect(actions).toEqual(['unpin', 'pin']);
    });
  });

  describe('mod:admit and the waiting room', () => {
    async function waitingMemberId(roomId: string, handle: string): Promise<string> {
      const [row] = await sql<{ id: string }>(
        t,
        `SELECT id FROM room_member WHERE room_id = $1 AND handle = $2 AND state = 'waiting'`,
        [roomId, handle],
      );
      if (row === undefined) throw new Error(`${handle} is not waiting`);
      return row.id;
    }

    test('a newcomer waits; once admitted they are told and can join and speak', async () => {
      const { roomId, host } = await hostedRoom('Waiting room', { waitingRoom: true });
      const who = await newParticipant(t);
      const socket = await pool.connect(t, who.token);
      expectAckError(
        await emitAck(socket, 'room:join', { roomId, handle: 'Wren' }),
        'WAITING_FOR_ADMISSION',
      );
      // Waiting is not being in: no sending.
      const early = await send(socket, roomId, 'let me in');
      expect(early.ok).toBe(false);
      const memberId = await waitingMemberId(roomId, 'Wren');

      const told = nextEvent<ModerationEvent>(socket, 'moderation');
      expect(await emitAck(host, 'mod:admit', { roomId, memberId })).toEqual({
        ok: true,
        data: {},
      });
      expect(await told).toEqual({ roomId, action: 'admitted' });
      const joined = await emitAck<JoinAck>(socket, 'room:join', { roomId, handle: 'Wren' });
      expect(joined).toMatchObject({ ok: true, data: { self: { memberId, handle: 'Wren' } } });
      expect(await send(socket, roomId, 'thanks for having me')).toMatchObject({ ok: true });

      // Admitting someone who is not waiting is a conflict.
      expectAckError(await emitAck(host, 'mod:admit', { roomId, memberId }), 'CONFLICT');
      const entry = (await auditOf(t, admin, roomId)).find((e) => e.action === 'admit');
      expect(entry).toMatchObject({ memberId });
    });

    test('the facilitators learn who is waiting (a memberId they can admit) without asking the database', async () => {
      const { roomId, host } = await hostedRoom('Waiting room discovery', { waitingRoom: true });
      const seen: unknown[] = [];
      host.onAny((_event: string, payload: unknown) => seen.push(payload));
      const who = await newParticipant(t);
      const socket = await pool.connect(t, who.token);
      expectAckError(
        await emitAck(socket, 'room:join', { roomId, handle: 'Wren' }),
        'WAITING_FOR_ADMISSION',
      );
      const memberId = await waitingMemberId(roomId, 'Wren');
      // A round trip on the host's socket: anything sent to it about Wren has arrived by now.
      await emitAck(host, 'room:sync', { roomId, afterSeq: 0 });
      const mentionsWren = seen.some((payload) => {
        const text = JSON.stringify(payload);
        return text.includes(memberId) && text.includes('Wren');
      });
      expect(mentionsWren).toBe(true);
    });
  });

  describe('room:update', () => {
    test('locked: newcomers get ROOM_LOCKED, present members go on (and may reconnect), facilitators get in', async () => {
      const { roomId, host } = await hostedRoom('Lock');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      const state = nextEvent<RoomStateView>(pat.socket, 'room:state', (s) => s.locked);
      const ack = await emitAck<RoomStateView>(host, 'room:update', { roomId, locked: true });
      expect(ack).toMatchObject({ ok: true, data: { id: roomId, locked: true } });
      expect((await state).locked).toBe(true);

      const newcomer = await newParticipant(t);
      const ns = await pool.connect(t, newcomer.token);
      expectAckError(await emitAck(ns, 'room:join', { roomId, handle: 'Newcomer' }), 'ROOM_LOCKED');
      expect(await send(pat.socket, roomId, 'still talking')).toMatchObject({ ok: true });
      const patAgain = await pool.connect(t, pat.token);
      expect(await emitAck(patAgain, 'room:join', { roomId, handle: 'Pat' })).toMatchObject({
        ok: true,
      });
      const fac = await createFacilitator(t, admin, 'Lock Helper');
      await assign(t, admin, fac.id, { roomId });
      const helper = await joinAccount(t, pool, roomId, 'Helper', fac.token);
      expect(helper.join.self.role).toBe('facilitator');
      expect((await api<{ locked: boolean }>(t, 'GET', `/rooms/${roomId}`)).body.locked).toBe(true);

      await emitAck(host, 'room:update', { roomId, locked: false });
      expect(await emitAck(ns, 'room:join', { roomId, handle: 'Newcomer' })).toMatchObject({
        ok: true,
      });
    });

    test('slowModeSeconds: participants get SLOW_MODE, facilitators do not', async () => {
      const { roomId, host } = await hostedRoom('Slow mode');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      const state = nextEvent<RoomStateView>(
        pat.socket,
        'room:state',
        (s) => s.slowModeSeconds > 0,
      );
      expect(await emitAck(host, 'room:update', { roomId, slowModeSeconds: 60 })).toMatchObject({
        ok: true,
        data: { slowModeSeconds: 60 },
      });
      expect((await state).slowModeSeconds).toBe(60);
      const clientId = randomUUID();
      const one = await emitAck<MessageView>(pat.socket, 'message:send', {
        roomId,
        clientId,
        body: 'one',
      });
      expect(one).toMatchObject({ ok: true });
      expectAckError(await send(pat.socket, roomId, 'two'), 'SLOW_MODE');
      // A retry of the message already stored (its ack was lost) is answered with it, not refused.
      const retry = await emitAck<MessageView>(pat.socket, 'message:send', {
        roomId,
        clientId,
        body: 'one',
      });
      expect(retry).toMatchObject({ ok: true, data: { id: one.data?.id, seq: one.data?.seq } });
      expect(await send(host, roomId, 'host one')).toMatchObject({ ok: true });
      expect(await send(host, roomId, 'host two')).toMatchObject({ ok: true });
      expect(await send(host, roomId, 'host three')).toMatchObject({ ok: true });

      await emitAck(host, 'room:update', { roomId, slowModeSeconds: 0 });
      expect(await send(pat.socket, roomId, 'two, now')).toMatchObject({ ok: true });
    });

    test('waitingRoom turned on: newcomers wait, present members stay', async () => {
      const { roomId, host } = await hostedRoom('Waiting on');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      const state = nextEvent<RoomStateView>(pat.socket, 'room:state', (s) => s.waitingRoom);
      expect(await emitAck(host, 'room:update', { roomId, waitingRoom: true })).toMatchObject({
        ok: true,
        data: { waitingRoom: true },
      });
      await state;
      const newcomer = await newParticipant(t);
      const ns = await pool.connect(t, newcomer.token);
      expectAckError(
        await emitAck(ns, 'room:join', { roomId, handle: 'Newcomer' }),
        'WAITING_FOR_ADMISSION',
      );
      expect(await send(pat.socket, roomId, 'still here')).toMatchObject({ ok: true });
    });

    test('shareSeconds: the next floor lasts that long; out-of-range values are refused', async () => {
      const { roomId, host } = await hostedRoom('Share seconds');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      expect(await emitAck(host, 'room:update', { roomId, shareSeconds: 45 })).toMatchObject({
        ok: true,
      });
      expect(
        (await api<{ shareSeconds: number }>(t, 'GET', `/rooms/${roomId}`)).body.shareSeconds,
      ).toBe(45);
      await emitAck(pat.socket, 'hand:raise', { roomId });
      const before = Date.now();
      const next = ackData(await emitAck<RoomStateView>(host, 'share:next', { roomId }));
      expect(next.floor?.memberId).toBe(pat.memberId);
      expect(closeTo(next.floor?.endsAt, before + 45_000, 3000)).toBe(true);
      for (const payload of [
        { roomId, shareSeconds: 5 },
        { roomId, shareSeconds: 99999 },
        { roomId, slowModeSeconds: -1 },
        { roomId, locked: 'yes' },
      ]) {
        expectAckError(await emitAck(host, 'room:update', payload), 'VALIDATION_FAILED');
      }
      expect(
        (await api<{ shareSeconds: number }>(t, 'GET', `/rooms/${roomId}`)).body.shareSeconds,
      ).toBe(45);
    });
  });

  describe('room:close', () => {
    test('everyone gets room:closed, everyone is out, and joining again is ROOM_CLOSED', async () => {
      const { roomId, host } = await hostedRoom('Close');
      const pat = await joinParticipant(t, pool, roomId, 'Pat');
      const sky = await joinParticipant(t, pool, roomId, 'Sky');
      const closedFor = [pat.socket, sky.socket, host].map((s) =>
        nextEvent<{ roomId: string }>(s, 'room:closed'),
      );
      expect(await emitAck(host, 'room:close', { roomId })).toEqual({ ok: true, data: {} });
      for (const p of closedFor) expect(await p).toEqual({ roomId });

      const reply = await send(pat.socket, roomId, 'hello?');
      expect(reply.ok).toBe(false);
      expect(['NOT_IN_ROOM', 'ROOM_CLOSED']).toContain(reply.error?.code);
      expectAckError(
        await emitAck(sky.socket, 'room:join', { roomId, handle: 'Sky' }),
        'ROOM_CLOSED',
      );
      const fresh = await pool.connect(t, (await newParticipant(t)).token);
      expectAckError(await emitAck(fresh, 'room:join', { roomId, handle: 'New' }), 'ROOM_CLOSED');
      expect(
        (await api<{ status: string; memberCount: number }>(t, 'GET', `/rooms/${roomId}`)).body,
      ).toMatchObject({ status: 'closed', memberCount: 0 });
      expect((await auditOf(t, admin, roomId)).map((e) => e.action)).toContain('room:close');
    });
  });

  describe('facilitators are not moderated', () => {
    test('mod:mute, mod:kick and mod:ban of a facilitator are FORBIDDEN and change nothing', async () => {
      const { roomId, host, hostMemberId } = await hostedRoom('Facilitators immune');
      const fac = await createFacilitator(t, admin, 'Immune Helper');
      await assign(t, admin, fac.id, { roomId });
      const helper = await joinAccount(t, pool, roomId, 'Helper', fac.token);
      const helperEvents = collect<ModerationEvent>(helper.socket, 'moderation');
      for (const [event, target] of [
        ['mod:mute', helper.memberId],
        ['mod:kick', helper.memberId],
        ['mod:ban', helper.memberId],
        ['mod:mute', hostMemberId],
      ] as const) {
        expectAckError(await emitAck(host, event, { roomId, memberId: target }), 'FORBIDDEN');
      }
      // Nor by one another.
      expectAckError(
        await emitAck(helper.socket, 'mod:kick', { roomId, memberId: hostMemberId }),
        'FORBIDDEN',
      );
      expect(await send(helper.socket, roomId, 'still here')).toMatchObject({ ok: true });
      expect(await mutedUntil(helper.memberId)).toBeNull();
      const look = await joinParticipant(t, pool, roomId, 'Onlooker');
      expect(look.join.members.map((m) => m.memberId)).toEqual(
        expect.arrayContaining([hostMemberId, helper.memberId]),
      );
      expect(helperEvents).toEqual([]);
    });
  });
});
