/**
 * End-to-end: the report queue and the moderation audit (CONTRACT.md §3, moderation REST):
 * message:report reaches the room's facilitators as report:new, GET /moderation/reports and
 * POST /moderation/reports/:id/resolve, GET /moderation/audit with its pagination, who sees
 * what, and that the audit can be neither edited nor removed (by the API or in the database).
 */
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, login } from '../support/http.js';
import { collect, emitAck, nextEvent } from '../support/sockets.js';
import {
  ackData,
  assign,
  auditOf,
  createFacilitator,
  expectApiError,
  groupIdOfMeeting,
  groupMeeting,
  joinAccount,
  joinParticipant,
  meetingRoom,
  MOD_ENV,
  sendOk,
  SocketPool,
  sql,
  type FacilitatorAccount,
  type Person,
} from './moderation-fixtures.js';

interface Report {
  id: string;
  roomId: string;
  roomName: string;
  messageId: string;
  message: { seq: number; body: string | null; author: { memberId: string; handle: string } };
  reporterMemberId: string;
  reason: string;
  status: 'open' | 'resolved';
  createdAt: string;
  resolvedAt: string | null;
  resolutionNote: string | null;
}

interface AuditEntry {
  id: string;
  at: string;
  actor: { id: string; displayName: string };
  action: string;
  roomId: string;
  memberId?: string;
  messageId?: string;
  reason?: string;
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

describe('reports and the audit log', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  const pool = new SocketPool();
  let roomId: string;
  let otherRoomId: string;
  let fran: FacilitatorAccount;
  let otto: FacilitatorAccount;
  let franSocket: Socket;
  let pat: Person;
  let rae: Person;

  beforeAll(async () => {
    t = await startTestApp({ env: MOD_ENV });
    admin = await login(t);
    adminId = (
      await api<{ account: { id: string } }>(t, 'POST', '/auth/login', {
        body: { email: 'admin@example.org', password: 'test-admin-password-1' },
      })
    ).body.account.id;
    const harbor = await groupMeeting(t, admin, 'Harbor Reports', 'Harbor Group');
    const light = await groupMeeting(t, admin, 'Lighthouse Reports', 'Lighthouse Group');
    roomId = await meetingRoom(t, admin, harbor.slug, 'Harbor room');
    otherRoomId = await meetingRoom(t, admin, light.slug, 'Lighthouse room');
    fran = await createFacilitator(t, admin, 'Fran');
    otto = await createFacilitator(t, admin, 'Otto');
    await assign(t, admin, fran.id, { groupId: await groupIdOfMeeting(t, harbor.slug) });
    await assign(t, admin, otto.id, { groupId: await groupIdOfMeeting(t, light.slug) });
    const franJoin = await joinAccount(t, pool, roomId, 'Fran', fran.token);
    expect(franJoin.join.self.role).toBe('facilitator');
    franSocket = franJoin.socket;
    pat = await joinParticipant(t, pool, roomId, 'Pat');
    rae = await joinParticipant(t, pool, roomId, 'Rae');
  });

  afterAll(async () => {
    pool.closeAll();
    await t.close();
  });

  async function report(by: Person, messageId: string, reason: string): Promise<string> {
    return ackData(
      await emitAck<{ reportId: string }>(by.socket, 'message:report', {
        roomId,
        messageId,
        reason,
      }),
    ).reportId;
  }

  async function reports(token: string, query = ''): Promise<Page<Report>> {
    const res = await api<Page<Report>>(t, 'GET', `/moderation/reports${query}`, { token });
    expect(res.status).toBe(200);
    return res.body;
  }

  describe('reports', () => {
    let messageId: string;
    let reportId: string;

    test('message:report: the reporter gets a reportId, the room’s facilitators get report:new, no one else', async () => {
      const msg = await sendOk(pat.socket, roomId, 'a message someone finds hurtful');
      messageId = msg.id;
      // Otto sits in the room, but is not its facilitator.
      const ottoIn = await joinAccount(t, pool, roomId, 'Otto', otto.token);
      expect(ottoIn.join.self.role).toBe('participant');
      const ottoSees = collect(ottoIn.socket, 'report:new');
      const patSees = collect(pat.socket, 'report:new');
      const franGets = nextEvent<{
        reportId: string;
        roomId: string;
        messageId: string;
        reason: string;
      }>(franSocket, 'report:new');

      reportId = await report(rae, messageId, 'This is unkind');
      expect(await franGets).toEqual({ reportId, roomId, messageId, reason: 'This is unkind' });
      // Round trips on the others' sockets: a report:new for them would have arrived by now.
      await emitAck(ottoIn.socket, 'room:sync', { roomId, afterSeq: 0 });
      await emitAck(pat.socket, 'room:sync', { roomId, afterSeq: 0 });
      expect(ottoSees).toEqual([]);
      expect(patSees).toEqual([]);
      await emitAck(ottoIn.socket, 'room:leave', { roomId });
    });

    test('GET /moderation/reports?status=open shows it with the message, its author’s handle and the reporter’s memberId, and no participantId', async () => {
      for (const token of [fran.token, admin]) {
        const page = await reports(token, '?status=open');
        const item = page.items.find((r) => r.id === reportId);
        expect(item).toEqual({
          id: reportId,
          roomId,
          roomName: 'Harbor room',
          messageId,
          message: {
            seq: expect.any(Number) as number,
            body: 'a message someone finds hurtful',
            author: { memberId: pat.memberId, handle: 'Pat' },
          },
          reporterMemberId: rae.memberId,
          reason: 'This is unkind',
          status: 'open',
          createdAt: expect.stringMatching(ISO_INSTANT) as string,
          resolvedAt: null,
          resolutionNote: null,
        });
        const text = JSON.stringify(page);
        for (const secret of [pat.participantId, rae.participantId, pat.token, rae.token])
          expect(text).not.toContain(secret);
      }
    });

    test('a facilitator of another group sees none of it and cannot resolve it (403)', async () => {
      const page = await reports(otto.token);
      expect(page.items.filter((r) => r.roomId === roomId)).toEqual([]);
      expect((await reports(otto.token, '?status=open')).items.map((r) => r.id)).not.toContain(
        reportId,
      );
      expectApiError(
        await api(t, 'POST', `/moderation/reports/${reportId}/resolve`, {
          token: otto.token,
          body: { note: 'not mine', action: 'none' },
        }),
        403,
        'FORBIDDEN',
      );
      const [row] = await sql<{ status: string }>(
        t,
        'SELECT status FROM message_report WHERE id = $1',
        [reportId],
      );
      expect(row?.status).toBe('open');
    });

    test('?roomId= narrows the queue to one room; another room gives none of it; a malformed id is 400', async () => {
      const mine = await reports(admin, `?status=open&roomId=${roomId}`);
      expect(mine.items.map((r) => r.id)).toContain(reportId);
      expect(mine.items.every((r) => r.roomId === roomId)).toBe(true);
      expect((await reports(fran.token, `?roomId=${roomId}`)).items.map((r) => r.id)).toContain(
        reportId,
      );
      const other = await reports(admin, `?roomId=${otherRoomId}`);
      expect(other.items.map((r) => r.id)).not.toContain(reportId);
      expect(other.items.every((r) => r.roomId === otherRoomId)).toBe(true);
      // A filter never widens what a facilitator may see.
      expect((await reports(otto.token, `?roomId=${roomId}`)).items).toEqual([]);
      expectApiError(
        await api(t, 'GET', '/moderation/reports?roomId=not-a-uuid', { token: admin }),
        400,
        'VALIDATION_FAILED',
      );
    });

    test('resolving records the note and the action, leaves the open queue, is audited; a second time is 409', async () => {
      const res = await api<Report>(t, 'POST', `/moderation/reports/${reportId}/resolve`, {
        token: fran.token,
        body: { note: 'Talked it through with the room', action: 'warned' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: reportId,
        status: 'resolved',
        resolvedAt: expect.stringMatching(ISO_INSTANT) as string,
      });
      expect(res.body.resolutionNote).toContain('Talked it through with the room');
      expect(res.body.resolutionNote).toContain('warned');

      expect((await reports(fran.token, '?status=open')).items.map((r) => r.id)).not.toContain(
        reportId,
      );
      expect((await reports(fran.token, '?status=resolved')).items.map((r) => r.id)).toContain(
        reportId,
      );
      const entries = (await auditOf(t, admin, roomId)).filter((e) => e.messageId === messageId);
      expect(entries).toEqual([
        expect.objectContaining({
          actor: { id: fran.id, displayName: 'Fran' },
          action: 'report:resolve',
          roomId,
          messageId,
          reason: expect.stringContaining('Talked it through with the room') as string,
        }),
      ]);

      expectApiError(
        await api(t, 'POST', `/moderation/reports/${reportId}/resolve`, {
          token: admin,
          body: { note: 'again' },
        }),
        409,
        'CONFLICT',
      );
      expectApiError(
        await api(t, 'POST', '/moderation/reports/00000000-0000-4000-8000-00000000000f/resolve', {
          token: admin,
          body: {},
        }),
        404,
        'NOT_FOUND',
      );
      expect(
        (await auditOf(t, admin, roomId)).filter((e) => e.messageId === messageId),
      ).toHaveLength(1);
    });

    test('two facilitators resolving the same report at the same moment: one wins, the other gets 409', async () => {
      // A race: a few rounds, so that a check-then-write gap shows up reliably.
      const outcomes: { statuses: number[]; audited: number }[] = [];
      for (let round = 0; round < 5; round++) {
        const msg = await sendOk(pat.socket, roomId, `race ${round}`);
        const id = await report(rae, msg.id, `race ${round}`);
        const [a, b] = await Promise.all([
          api(t, 'POST', `/moderation/reports/${id}/resolve`, {
            token: fran.token,
            body: { action: 'deleted' },
          }),
          api(t, 'POST', `/moderation/reports/${id}/resolve`, {
            token: admin,
            body: { action: 'no action' },
          }),
        ]);
        const audited = (await auditOf(t, admin, roomId)).filter(
          (e) => e.messageId === msg.id && e.action === 'report:resolve',
        ).length;
        outcomes.push({ statuses: [a.status, b.status].sort(), audited });
      }
      expect(outcomes).toEqual(
        Array.from({ length: 5 }, () => ({ statuses: [200, 409], audited: 1 })),
      );
    });

    test('the report list pages with limit and cursor, every report exactly once', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const msg = await sendOk(pat.socket, roomId, `page ${i}`);
        ids.push(await report(rae, msg.id, `page ${i}`));
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `?status=open&limit=1${cursor === null ? '' : `&cursor=${cursor}`}`;
        const page = await reports(admin, query);
        expect(page.items.length).toBeLessThanOrEqual(1);
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10);
      expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
      expect(new Set(seen).size).toBe(seen.length);
      expect(cursor).toBeNull();
    });
  });

  describe('the audit log', () => {
    let auditRoom: string;
    let expected: Omit<AuditEntry, 'id' | 'at'>[];

    beforeAll(async () => {
      // A room of its own, so its log holds exactly what these tests do.
      const meeting = await groupMeeting(t, admin, 'Harbor Audit', 'Harbor Group', { day: 6 });
      auditRoom = await meetingRoom(t, admin, meeting.slug, 'Audit room');
      const host = await joinAccount(t, pool, auditRoom, 'Fran', fran.token);
      const adminHost = await joinAccount(t, pool, auditRoom, 'Boss', admin);
      const sam = await joinParticipant(t, pool, auditRoom, 'Sam');
      const kit = await joinParticipant(t, pool, auditRoom, 'Kit');
      const msg = await sendOk(sam.socket, auditRoom, 'to be pinned, then deleted');
      const r = auditRoom;
      const steps: [Socket, string, Record<string, unknown>][] = [
        [host.socket, 'mod:mute', { roomId: r, memberId: sam.memberId, minutes: 10, reason: 'r1' }],
        [host.socket, 'mod:unmute', { roomId: r, memberId: sam.memberId }],
        [host.socket, 'mod:pin', { roomId: r, messageId: msg.id }],
        [host.socket, 'mod:pin', { roomId: r, messageId: null }],
        [adminHost.socket, 'mod:delete', { roomId: r, messageId: msg.id, reason: 'r2' }],
        [host.socket, 'room:update', { roomId: r, locked: true }],
        [host.socket, 'mod:kick', { roomId: r, memberId: kit.memberId, reason: 'r3' }],
        [adminHost.socket, 'mod:ban', { roomId: r, memberId: sam.memberId, reason: 'r4' }],
        [host.socket, 'room:close', { roomId: r }],
      ];
      for (const [socket, event, payload] of steps) ackData(await emitAck(socket, event, payload));
      const franActor = { id: fran.id, displayName: 'Fran' };
      const adminActor = { id: adminId, displayName: expect.any(String) as string };
      expected = [
        { actor: franActor, action: 'room:close', roomId: r },
        { actor: adminActor, action: 'ban', roomId: r, memberId: sam.memberId, reason: 'r4' },
        { actor: franActor, action: 'kick', roomId: r, memberId: kit.memberId, reason: 'r3' },
        {
          actor: franActor,
          action: 'room:update',
          roomId: r,
          reason: expect.any(String) as string,
        },
        { actor: adminActor, action: 'delete', roomId: r, messageId: msg.id, reason: 'r2' },
        { actor: franActor, action: 'unpin', roomId: r },
        { actor: franActor, action: 'pin', roomId: r, messageId: msg.id },
        { actor: franActor, action: 'unmute', roomId: r, memberId: sam.memberId },
        { actor: franActor, action: 'mute', roomId: r, memberId: sam.memberId, reason: 'r1' },
      ];
    });

    test('GET /moderation/audit?roomId= lists every action, newest first, with actor, member or message, and reason', async () => {
      const res = await api<Page<AuditEntry>>(t, 'GET', `/moderation/audit?roomId=${auditRoom}`, {
        token: fran.token,
      });
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.items).toEqual(
        expected.map((e) => ({
          id: expect.any(String) as string,
          at: expect.stringMatching(ISO_INSTANT) as string,
          ...e,
        })),
      );
      const times = res.body.items.map((e) => Date.parse(e.at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      // The admin sees the same.
      expect((await auditOf(t, admin, auditRoom)).map((e) => e.id)).toEqual(
        res.body.items.map((e) => e.id),
      );
    });

    test('pagination with limit and cursor gives every entry once, in order', async () => {
      const all = (await auditOf(t, admin, auditRoom)).map((e) => e.id);
      const paged: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `?roomId=${auditRoom}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
        const res = await api<Page<AuditEntry>>(t, 'GET', `/moderation/audit${query}`, {
          token: fran.token,
        });
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        paged.push(...res.body.items.map((e) => e.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor !== null && pages < 20);
      expect(paged).toEqual(all);
      expect(pages).toBe(Math.ceil(all.length / 2));
      for (const bad of ['not-a-cursor', 'eyJ0IjoxfQ']) {
        expectApiError(
          await api(t, 'GET', `/moderation/audit?roomId=${auditRoom}&cursor=${bad}`, {
            token: fran.token,
          }),
          400,
          'VALIDATION_FAILED',
        );
      }
      expectApiError(
        await api(t, 'GET', `/moderation/audit?roomId=${auditRoom}&limit=0`, { token: admin }),
        400,
        'VALIDATION_FAILED',
      );
    });

    test('entries written within the same millisecond are not lost between pages', async () => {
      // Two actions landing within one millisecond (two facilitators at once): set up here by
      // writing the entries directly, a few microseconds apart.
      const meeting = await groupMeeting(t, admin, 'Harbor Same Ms', 'Harbor Group', { day: 0 });
      const room = await meetingRoom(t, admin, meeting.slug, 'Same ms room');
      await sql(
        t,
        `INSERT INTO moderation_audit (at, actor_id, actor_display_name, action, room_id, reason)
         SELECT date_trunc('milliseconds', now()) + make_interval(secs => us / 1000000.0),
                $1, 'Fran', 'room:update', $2, 'at +' || us || 'us'
         FROM unnest(ARRAY[100, 200, 300]) AS us`,
        [fran.id, room],
      );
      const reasons: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `?roomId=${room}&limit=1${cursor === null ? '' : `&cursor=${cursor}`}`;
        const res = await api<Page<AuditEntry>>(t, 'GET', `/moderation/audit${query}`, {
          token: admin,
        });
        reasons.push(...res.body.items.map((e) => e.reason ?? ''));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10);
      expect(reasons).toEqual(['at +300us', 'at +200us', 'at +100us']);
    });

    test('a facilitator of another group sees none of the room’s entries', async () => {
      const res = await api<Page<AuditEntry>>(t, 'GET', `/moderation/audit?roomId=${auditRoom}`, {
        token: otto.token,
      });
      // Either refused outright or an empty list: never an entry of a room Otto does not look after.
      if (res.status === 200) expect(res.body.items).toEqual([]);
      else expectApiError(res, 403, 'FORBIDDEN');
      const everything = await api<Page<AuditEntry>>(t, 'GET', '/moderation/audit?limit=100', {
        token: otto.token,
      });
      expect(everything.status).toBe(200);
      expect(everything.body.items.filter((e) => e.roomId !== otherRoomId)).toEqual([]);
    });

    test('there is no endpoint to change or remove an entry', async () => {
      const before = await auditOf(t, admin, auditRoom);
      const id = before[0]?.id ?? '';
      for (const [method, path, body] of [
        ['PATCH', `/moderation/audit/${id}`, { reason: 'rewritten' }],
        ['PUT', `/moderation/audit/${id}`, { reason: 'rewritten' }],
        ['DELETE', `/moderation/audit/${id}`, undefined],
        ['DELETE', `/moderation/audit?roomId=${auditRoom}`, undefined],
        ['POST', `/moderation/audit`, { action: 'mute', roomId: auditRoom }],
      ] as const) {
        const res = await api(t, method, path, { token: admin, body });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      }
      expect(await auditOf(t, admin, auditRoom)).toEqual(before);
    });

    test('the database itself refuses UPDATE and DELETE on moderation_audit', async () => {
      const before = await sql(t, 'SELECT * FROM moderation_audit WHERE room_id = $1 ORDER BY id', [
        auditRoom,
      ]);
      expect(before.length).toBe(expected.length);
      await expect(
        sql(t, `UPDATE moderation_audit SET reason = 'rewritten' WHERE room_id = $1`, [auditRoom]),
      ).rejects.toThrow(/cannot be changed or removed/);
      await expect(
        sql(t, 'DELETE FROM moderation_audit WHERE room_id = $1', [auditRoom]),
      ).rejects.toThrow(/cannot be changed or removed/);
      await expect(sql(t, 'DELETE FROM moderation_audit')).rejects.toThrow();
      expect(
        await sql(t, 'SELECT * FROM moderation_audit WHERE room_id = $1 ORDER BY id', [auditRoom]),
      ).toEqual(before);
    });
  });
});
