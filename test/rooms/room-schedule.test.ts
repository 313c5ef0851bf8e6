/**
 * End-to-end: rooms as REST resources and their schedule (CONTRACT.md §3, docs/realtime.md
 * "Rooms and their schedule"): the public list, who may create and change rooms, rooms that
 * follow a meeting, opening and closing by hand, the scheduler, and message retention.
 */
import { randomUUID } from 'node:crypto';
import { AccountsService } from '../../src/facilitators/accounts.service.js';
import { RoomJobsService } from '../../src/rooms/room-jobs.service.js';
import { RoomsService } from '../../src/rooms/rooms.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, login } from '../support/http.js';
import { createMeeting } from '../support/meetings.js';
import { connectSocket, emitAck, newParticipant, nextEvent } from '../support/sockets.js';
import {
  createRoom,
  expectFailure,
  ISO_INSTANT,
  joinAs,
  ROOMS_ENV,
  send,
  sendOk,
  settle,
  sleep,
  SocketJar,
  sql,
  UUID,
  type JoinAck,
  type RoomDto,
  type RoomStateView,
} from './room-fixtures.js';

interface ErrorBody {
  error: { code: string; message: string };
}

const MINUTE = 60_000;
const PUBLIC_ROOM_KEYS = [
  'closesAt',
  'id',
  'locked',
  'meetingSlug',
  'memberCount',
  'name',
  'opensAt',
  'status',
];

/** The items of GET /rooms, whichever envelope it uses (the envelope has a test of its own). */
function itemsOf(body: unknown): RoomDto[] {
  if (Array.isArray(body)) return body as RoomDto[];
  return (body as { items: RoomDto[] }).items;
}

/** A weekly meeting (timezone UTC) whose next occurrence starts at `start` (whole minutes). */
function meetingAt(start: Date, name: string): Record<string, unknown> {
  return {
    name,
    fellowship: 'aa',
    day: start.getUTCDay(),
    time: `${String(start.getUTCHours()).padStart(2, '0')}:${String(start.getUTCMinutes()).padStart(2, '0')}`,
    timezone: 'UTC',
    address: '1 Elm St',
    city: 'Albany',
    state: 'NY',
  };
}

/** Now + `minutes`, down to the whole minute (a meeting's time has no seconds). */
function wholeMinutesFromNow(minutes: number): Date {
  const at = new Date(Date.now() + minutes * MINUTE);
  at.setUTCSeconds(0, 0);
  return at;
}

describe('rooms REST and schedule', () => {
  let t: TestApp;
  let admin: string;
  let facilitator: string;
  let otherFacilitator: string;
  const jar = new SocketJar();

  beforeAll(async () => {
    t = await startTestApp({ env: ROOMS_ENV });
    admin = await login(t);
    const accounts = t.app.get(AccountsService);
    for (const email of ['fac-one@example.org', 'fac-two@example.org']) {
      await accounts.create({
        email,
        displayName: email.split('@')[0] as string,
        password: 'facilitator-password-1',
        role: 'facilitator',
      });
    }
    facilitator = await login(t, 'fac-one@example.org', 'facilitator-password-1');
    otherFacilitator = await login(t, 'fac-two@example.org', 'facilitator-password-1');
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  describe('GET /rooms and GET /rooms/:id (public)', () => {
    test('every room is listed with { id, name, meetingSlug, status, opensAt, closesAt, memberCount, locked }', async () => {
      const room = await createRoom(t, admin, { name: 'Listed room' });
      const a = await joinAs(t, jar, room.id, 'Ash');
      await joinAs(t, jar, room.id, 'Birch');
      const res = await api(t, 'GET', '/rooms');
      expect(res.status).toBe(200);
      const items = itemsOf(res.body);
      const listed = items.find((r) => r.id === room.id);
      expect(listed).toBeDefined();
      for (const item of items) {
        for (const key of PUBLIC_ROOM_KEYS) expect(item).toHaveProperty(key);
      }
      expect(listed).toMatchObject({
        id: room.id,
        name: 'Listed room',
        meetingSlug: null,
        status: 'open',
        opensAt: expect.stringMatching(ISO_INSTANT) as string,
        closesAt: null,
        memberCount: 2,
        locked: false,
      });
      // The public list names no one.
      expect(JSON.stringify(res.body)).not.toContain('Ash');
      expect(JSON.stringify(res.body)).not.toContain(a.self.memberId);

      const one = await api<RoomDto>(t, 'GET', `/rooms/${room.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(listed);

      await emitAck(a.socket, 'room:leave', { roomId: room.id });
      expect((await api<RoomDto>(t, 'GET', `/rooms/${room.id}`)).body.memberCount).toBe(1);
    });

    test('GET /rooms is a list like every other: { items, nextCursor } with limit and cursor', async () => {
      for (let i = 0; i < 3; i++) await createRoom(t, admin);
      const res = await api<{ items: RoomDto[]; nextCursor: string | null }>(
        t,
        'GET',
        '/rooms?limit=2',
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: expect.any(Array) as RoomDto[],
        nextCursor: expect.any(String) as string,
      });
      expect(res.body.items).toHaveLength(2);
      const next = await api<{ items: RoomDto[] }>(
        t,
        'GET',
        `/rooms?limit=2&cursor=${encodeURIComponent(res.body.nextCursor ?? '')}`,
      );
      expect(next.status).toBe(200);
      const firstIds = res.body.items.map((r) => r.id);
      for (const r of next.body.items) expect(firstIds).not.toContain(r.id);
      const bad = await api<ErrorBody>(t, 'GET', '/rooms?limit=101');
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    });

    test.each([
      ['an unknown id', randomUUID()],
      ['a malformed id', 'not-a-room'],
      ['an id with SQL in it', "1' OR '1'='1"],
      ['a too-long id', 'a'.repeat(5000)],
    ])('GET /rooms/:id with %s → 404 NOT_FOUND', async (_label, id) => {
      const res = await api<ErrorBody>(t, 'GET', `/rooms/${encodeURIComponent(id)}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    });
  });

  describe('POST /rooms and PATCH /rooms/:id need a facilitator or admin', () => {
    test('no token → 401; a participant token → 401/403; a garbage token → 401', async () => {
      const participant = await newParticipant(t);
      const room = await createRoom(t, admin);
      for (const [method, path] of [
        ['POST', '/rooms'],
        ['PATCH', `/rooms/${room.id}`],
      ] as const) {
        const body = method === 'POST' ? { name: 'Sneaky' } : { status: 'closed' };
        const none = await api<ErrorBody>(t, method, path, { body });
        expect(none.status).toBe(401);
        expect(none.body.error.code).toBe('UNAUTHORIZED');
        const garbage = await api<ErrorBody>(t, method, path, { body, token: 'garbage' });
        expect(garbage.status).toBe(401);
        const asParticipant = await api<ErrorBody>(t, method, path, {
          body,
          token: participant.token,
        });
        expect([401, 403]).toContain(asParticipant.status);
        expect(['UNAUTHORIZED', 'FORBIDDEN']).toContain(asParticipant.body.error.code);
      }
      // Nothing changed.
      expect((await api<RoomDto>(t, 'GET', `/rooms/${room.id}`)).body.status).toBe('open');
      const sneaky = await sql(t.databaseUrl, `SELECT 1 FROM room WHERE name = 'Sneaky'`);
      expect(sneaky).toEqual([]);
    });

    test('a facilitator may create a room and change it; another facilitator → 403 FORBIDDEN', async () => {
      const created = await api<RoomDto>(t, 'POST', '/rooms', {
        token: facilitator,
        body: { name: 'Facilitator’s room', opensAt: new Date(Date.now() - MINUTE).toISOString() },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Facilitator’s room', status: 'open' });
      expect(created.body.id).toMatch(UUID);

      const renamed = await api<RoomDto>(t, 'PATCH', `/rooms/${created.body.id}`, {
        token: facilitator,
        body: { name: 'Renamed' },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe('Renamed');

      const other = await api<ErrorBody>(t, 'PATCH', `/rooms/${created.body.id}`, {
        token: otherFacilitator,
        body: { status: 'closed' },
      });
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('FORBIDDEN');
      expect((await api<RoomDto>(t, 'GET', `/rooms/${created.body.id}`)).body.status).toBe('open');
    });

    test('a room’s own guidelines: set on create, read by anyone before joining, changed, and reset to the general ones', async () => {
      const rules = 'First names only.\nCameras optional.\nWe close with the Serenity Prayer.';
      const created = await api<RoomDto & { guidelines: string | null }>(t, 'POST', '/rooms', {
        token: facilitator,
        body: { name: 'Room with rules', guidelines: `  ${rules}  ` },
      });
      expect(created.status).toBe(201);
      expect(created.body.guidelines).toBe(rules);
      // Public, like the rest of the room's description: newcomers read them before joining.
      const seen = await api<{ guidelines: string | null }>(t, 'GET', `/rooms/${created.body.id}`);
      expect(seen.body.guidelines).toBe(rules);

      const changed = await api<{ guidelines: string | null }>(
        t,
        'PATCH',
        `/rooms/${created.body.id}`,
        { token: facilitator, body: { guidelines: 'x'.repeat(4000) } },
      );
      expect(changed.body.guidelines).toHaveLength(4000);
      for (const reset of [null, '   ']) {
        const res = await api<{ guidelines: string | null }>(
          t,
          'PATCH',
          `/rooms/${created.body.id}`,
          { token: facilitator, body: { guidelines: reset } },
        );
        expect(res.status).toBe(200);
        expect(res.body.guidelines).toBeNull();
      }
      const plain = await api<{ guidelines: string | null }>(t, 'POST', '/rooms', {
        token: admin,
        body: { name: 'Room without rules' },
      });
      expect(plain.body.guidelines).toBeNull();

      const other = await api<ErrorBody>(t, 'PATCH', `/rooms/${created.body.id}`, {
        token: otherFacilitator,
        body: { guidelines: 'Mine now' },
      });
      expect(other.status).toBe(403);
      const anonymous = await api<ErrorBody>(t, 'PATCH', `/rooms/${created.body.id}`, {
        body: { guidelines: 'Mine now' },
      });
      expect(anonymous.status).toBe(401);
    });

    test('invalid bodies → 400 VALIDATION_FAILED; unknown room → 404', async () => {
      const room = await createRoom(t, admin);
      const cases: [string, string, unknown][] = [
        ['POST', '/rooms', {}],
        ['POST', '/rooms', { name: '' }],
        ['POST', '/rooms', { name: 'x'.repeat(121) }],
        [
          'POST',
          '/rooms',
          { name: 'Window', opensAt: '2030-01-02T10:00:00Z', closesAt: '2030-01-02T09:00:00Z' },
        ],
        ['POST', '/rooms', { name: 'Bad date', opensAt: 'tomorrow' }],
        ['POST', '/rooms', { name: 'Retention', retentionDays: -1 }],
        ['POST', '/rooms', { name: 'Extra', isAdmin: true }],
        ['PATCH', `/rooms/${room.id}`, { status: 'bogus' }],
        ['PATCH', `/rooms/${room.id}`, { locked: 'yes' }],
        ['POST', '/rooms', { name: 'Long rules', guidelines: 'x'.repeat(4001) }],
        ['PATCH', `/rooms/${room.id}`, { guidelines: 42 }],
        ['PATCH', `/rooms/${room.id}`, { guidelines: ['be kind'] }],
      ];
      for (const [method, path, body] of cases) {
        const res = await api<ErrorBody>(t, method, path, { token: admin, body });
        expect({ method, body, status: res.status, code: res.body.error?.code }).toEqual({
          method,
          body,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
      for (const id of [randomUUID(), 'nope']) {
        const res = await api<ErrorBody>(t, 'PATCH', `/rooms/${id}`, {
          token: admin,
          body: { status: 'closed' },
        });
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }
      const noMeeting = await api<ErrorBody>(t, 'POST', '/rooms', {
        token: admin,
        body: { name: 'Ghost', meetingSlug: 'no-such-meeting' },
      });
      expect(noMeeting.status).toBe(404);
      expect(noMeeting.body.error.code).toBe('NOT_FOUND');
    });
  });

  describe('a room that hosts a meeting', () => {
    test('a meeting starting in ~10 minutes: the room is open, opened 15 minutes before the start', async () => {
      const start = wholeMinutesFromNow(10);
      const meeting = await createMeeting(t, admin, meetingAt(start, 'Ten Minutes Group'));
      const res = await api<RoomDto>(t, 'POST', '/rooms', {
        token: admin,
        body: { name: 'Ten minutes room', meetingSlug: meeting.slug },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        meetingSlug: meeting.slug,
        status: 'open',
        opensAt: new Date(start.getTime() - 15 * MINUTE).toISOString().replace('.000Z', 'Z'),
        // A missing end_time is start + 60 minutes; the room closes 15 minutes after.
        closesAt: new Date(start.getTime() + 75 * MINUTE).toISOString().replace('.000Z', 'Z'),
      });
      // The meeting names its room.
      const shown = await api<{ roomId: string | null }>(
        t,
        'GET',
        `/meetings/${String(meeting.slug)}`,
      );
      expect(shown.body.roomId).toBe(res.body.id);
      // And participants can come in.
      const joined = await joinAs(t, jar, res.body.id, 'Early bird');
      expect(joined.ack.room.status).toBe('open');
      // Only one room per meeting.
      const twice = await api<ErrorBody>(t, 'POST', '/rooms', {
        token: admin,
        body: { name: 'Again', meetingSlug: meeting.slug },
      });
      expect(twice.status).toBe(409);
      expect(twice.body.error.code).toBe('CONFLICT');
    });

    test('a meeting starting in 40 minutes: not open yet, opensAt = start − 15 min', async () => {
      const start = wholeMinutesFromNow(40);
      const meeting = await createMeeting(t, admin, meetingAt(start, 'Forty Minutes Group'));
      const room = await createRoom(t, admin, {
        name: 'Forty minutes room',
        meetingSlug: meeting.slug,
        opensAt: undefined,
      });
      expect(['scheduled', 'closed']).toContain(room.status);
      expect(room.opensAt).toBe(
        new Date(start.getTime() - 15 * MINUTE).toISOString().replace('.000Z', 'Z'),
      );
      const socket = jar.add(await connectSocket(t.baseUrl, (await newParticipant(t)).token));
      expectFailure(
        await emitAck(socket, 'room:join', { roomId: room.id, handle: 'Too early' }),
        'ROOM_CLOSED',
      );
      // A scheduler pass does not open it early.
      await t.app.get(RoomsService).applySchedule();
      expect((await api<RoomDto>(t, 'GET', `/rooms/${room.id}`)).body.status).toBe(room.status);
    });

    test('open until 15 minutes after the meeting ends; after that it waits for next week', async () => {
      // Started 70 minutes ago, ended 10 minutes ago: still within the 15 minutes after.
      const lingering = await createMeeting(
        t,
        admin,
        meetingAt(wholeMinutesFromNow(-70), 'Just Ended Group'),
      );
      const room = await createRoom(t, admin, {
        name: 'Just ended',
        meetingSlug: lingering.slug,
        opensAt: undefined,
      });
      expect(room.status).toBe('open');
      expect(Date.parse(room.closesAt as string)).toBeGreaterThan(Date.now());
      expect(Date.parse(room.closesAt as string)).toBeLessThanOrEqual(Date.now() + 6 * MINUTE);

      // Ended 20 minutes ago: past the 15 minutes; the room waits for next week.
      const ended = await createMeeting(
        t,
        admin,
        meetingAt(wholeMinutesFromNow(-80), 'Long Ended Group'),
      );
      const later = await createRoom(t, admin, {
        name: 'Long ended',
        meetingSlug: ended.slug,
        opensAt: undefined,
      });
      expect(later.status).not.toBe('open');
      const nextStart = wholeMinutesFromNow(-80).getTime() + 7 * 24 * 60 * MINUTE;
      expect(later.opensAt).toBe(
        new Date(nextStart - 15 * MINUTE).toISOString().replace('.000Z', 'Z'),
      );
    });

    test('PATCH status open / closed by hand overrides the schedule, and holds', async () => {
      const early = await createMeeting(
        t,
        admin,
        meetingAt(wholeMinutesFromNow(40), 'Opened By Hand Group'),
      );
      const room = await createRoom(t, admin, {
        name: 'Opened by hand',
        meetingSlug: early.slug,
        opensAt: undefined,
      });
      // A facilitator may wait in a room that has not opened; they see it open.
      const host = jar.add(await connectSocket(t.baseUrl, admin));
      expect((await emitAck(host, 'room:join', { roomId: room.id, handle: 'Host Jo' })).ok).toBe(
        true,
      );
      const opened = nextEvent<RoomStateView>(host, 'room:state', (s) => s.status === 'open');
      const open = await api<RoomDto>(t, 'PATCH', `/rooms/${room.id}`, {
        token: admin,
        body: { status: 'open' },
      });
      expect(open.status).toBe(200);
      expect(open.body.status).toBe('open');
      expect((await opened).id).toBe(room.id);
      await t.app.get(RoomsService).applySchedule();
      expect((await api<RoomDto>(t, 'GET', `/rooms/${room.id}`)).body.status).toBe('open');
      const member = await joinAs(t, jar, room.id, 'Let in early');
      expect(member.ack.room.status).toBe('open');

      // A room open by its schedule, closed by hand, stays closed through the scheduler.
      const now = await createMeeting(
        t,
        admin,
        meetingAt(wholeMinutesFromNow(10), 'Closed By Hand Group'),
      );
      const running = await createRoom(t, admin, {
        name: 'Closed by hand',
        meetingSlug: now.slug,
        opensAt: undefined,
      });
      expect(running.status).toBe('open');
      const closed = await api<RoomDto>(t, 'PATCH', `/rooms/${running.id}`, {
        token: admin,
        body: { status: 'closed' },
      });
      expect(closed.body.status).toBe('closed');
      await t.app.get(RoomsService).applySchedule();
      expect((await api<RoomDto>(t, 'GET', `/rooms/${running.id}`)).body.status).toBe('closed');
      const socket = jar.add(await connectSocket(t.baseUrl, (await newParticipant(t)).token));
      expectFailure(
        await emitAck(socket, 'room:join', { roomId: running.id, handle: 'Late' }),
        'ROOM_CLOSED',
      );
      // And opened again by hand.
      const reopened = await api<RoomDto>(t, 'PATCH', `/rooms/${running.id}`, {
        token: admin,
        body: { status: 'open' },
      });
      expect(reopened.body.status).toBe('open');
      await t.app.get(RoomsService).applySchedule();
      expect((await api<RoomDto>(t, 'GET', `/rooms/${running.id}`)).body.status).toBe('open');
      expect(
        (await emitAck<JoinAck>(socket, 'room:join', { roomId: running.id, handle: 'Late' })).ok,
      ).toBe(true);
    });
  });

  describe('a standalone room follows its own opensAt / closesAt', () => {
    test('opensAt in a moment: a scheduler pass opens it, and the facilitator waiting sees room:state', async () => {
      const opensAt = new Date(Date.now() + 1_500);
      const room = await createRoom(t, admin, { opensAt: opensAt.toISOString() });
      expect(room.status).toBe('scheduled');
      const host = jar.add(await connectSocket(t.baseUrl, admin));
      expect((await emitAck(host, 'room:join', { roomId: room.id, handle: 'Jo' })).ok).toBe(true);
      const opened = nextEvent<RoomStateView>(host, 'room:state', (s) => s.status === 'open');
      await sleep(opensAt.getTime() - Date.now() + 100);
      await t.app.get(RoomsService).applySchedule();
      expect(await opened).toMatchObject({ id: room.id, status: 'open' });
      expect((await api<RoomDto>(t, 'GET', `/rooms/${room.id}`)).body.status).toBe('open');
      await joinAs(t, jar, room.id, 'First one in');
    });

    test('closesAt passes: after a scheduler pass the room is closed and its members are out', async () => {
      const closesAt = new Date(Date.now() + 3_000);
      const room = await createRoom(t, admin, { closesAt: closesAt.toISOString() });
      expect(room.status).toBe('open');
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      await sendOk(a.socket, room.id, 'last words before closing');
      await sleep(closesAt.getTime() - Date.now() + 100);
      await t.app.get(RoomsService).applySchedule();

      const listed = await api<RoomDto>(t, 'GET', `/rooms/${room.id}`);
      expect(listed.body).toMatchObject({ status: 'closed', memberCount: 0 });
      for (const s of [a.socket, b.socket]) {
        const reply = await send(s, room.id, 'hello?');
        expect(reply.ok).toBe(false);
        expect(['NOT_IN_ROOM', 'ROOM_CLOSED']).toContain(reply.error?.code);
        expectFailure(
          await emitAck(s, 'room:sync', { roomId: room.id, afterSeq: 0 }),
          'NOT_IN_ROOM',
        );
        expectFailure(
          await emitAck(s, 'room:join', { roomId: room.id, handle: 'Again' }),
          'ROOM_CLOSED',
        );
        expect(s.connected).toBe(true);
      }
    });

    test('closesAt passes: every member receives room:closed', async () => {
      const closesAt = new Date(Date.now() + 3_000);
      const room = await createRoom(t, admin, { closesAt: closesAt.toISOString() });
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const closedA = settle(nextEvent(a.socket, 'room:closed', () => true, 5_000));
      const closedB = settle(nextEvent(b.socket, 'room:closed', () => true, 5_000));
      await sleep(closesAt.getTime() - Date.now() + 100);
      await t.app.get(RoomsService).applySchedule();
      expect(await closedA).toEqual({ ok: true, value: { roomId: room.id } });
      expect(await closedB).toEqual({ ok: true, value: { roomId: room.id } });
    });
  });

  describe('retention', () => {
    async function roomWithMessages(retentionDays: number, closed: boolean): Promise<string> {
      const room = await createRoom(t, admin, { retentionDays });
      expect(room.retentionDays).toBe(retentionDays);
      const a = await joinAs(t, jar, room.id, 'Ash');
      const b = await joinAs(t, jar, room.id, 'Birch');
      const m = await sendOk(a.socket, room.id, 'something I shared');
      await sendOk(b.socket, room.id, 'thank you for sharing');
      expect(
        (
          await emitAck(b.socket, 'message:report', {
            roomId: room.id,
            messageId: m.id,
            reason: 'test',
          })
        ).ok,
      ).toBe(true);
      if (closed) {
        const res = await api<RoomDto>(t, 'PATCH', `/rooms/${room.id}`, {
          token: admin,
          body: { status: 'closed' },
        });
        expect(res.body.status).toBe('closed');
      }
      return room.id;
    }

    async function messageCount(roomId: string): Promise<number> {
      const rows = await sql<{ n: number }>(
        t.databaseUrl,
        `SELECT count(*)::int AS n FROM message WHERE room_id = $1`,
        [roomId],
      );
      return rows[0]?.n ?? -1;
    }

    test('retentionDays 0: a closed room’s messages are purged; retention 30 and open rooms keep theirs', async () => {
      const purged = await roomWithMessages(0, true);
      const kept = await roomWithMessages(30, true);
      const stillOpen = await roomWithMessages(0, false);
      expect(await messageCount(purged)).toBe(2);

      const removed = await t.app.get(RoomJobsService).purge();
      expect(removed).toBeGreaterThanOrEqual(2);
      expect(await messageCount(purged)).toBe(0);
      expect(await messageCount(kept)).toBe(2);
      expect(await messageCount(stillOpen)).toBe(2);
      // Reports of purged messages go with them.
      const reports = await sql<{ n: number }>(
        t.databaseUrl,
        `SELECT count(*)::int AS n FROM message_report WHERE room_id = $1`,
        [purged],
      );
      expect(reports[0]?.n).toBe(0);

      // Opened again, the purged room starts its history afresh but keeps counting.
      await api(t, 'PATCH', `/rooms/${purged}`, { token: admin, body: { status: 'open' } });
      const back = await joinAs(t, jar, purged, 'Cedar');
      expect(back.ack.messages).toEqual([]);
      const next = await sendOk(back.socket, purged, 'new session');
      expect(next.seq).toBe(3);
      const sync = await emitAck<{ messages: { seq: number }[] }>(back.socket, 'room:sync', {
        roomId: purged,
        afterSeq: 0,
      });
      expect(sync.data?.messages.map((m) => m.seq)).toEqual([3]);
    });

    test('a purge is idempotent', async () => {
      const kept = await roomWithMessages(30, true);
      await t.app.get(RoomJobsService).purge();
      expect(await t.app.get(RoomJobsService).purge()).toBe(0);
      expect(await messageCount(kept)).toBe(2);
    });
  });
});
