/**
 * End-to-end authorization matrix: every facilitator-only socket event and every facilitator or
 * admin REST endpoint, tried by everyone who must not succeed — a participant, a facilitator of
 * another group, a disabled facilitator of this group, an expired access token (signed with the
 * right secret), and no token at all. Each (actor × action) pair is its own test, and each one
 * checks that nothing changed. A last block does every action as the admin, to show that the
 * refused requests were ones that would have had an effect.
 */
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, login, type JsonResponse } from '../support/http.js';
import { collect, emitAck, newParticipant } from '../support/sockets.js';
import {
  ackData,
  assign,
  connectError,
  createFacilitator,
  expectApiError,
  groupIdOfMeeting,
  groupMeeting,
  joinAccount,
  joinParticipant,
  meetingRoom,
  mintAccessToken,
  MOD_ENV,
  sendOk,
  SocketPool,
  sql,
  type FacilitatorAccount,
  type Person,
} from './moderation-fixtures.js';

type ActorName =
  'participant' | 'other-group facilitator' | 'disabled facilitator' | 'expired token' | 'no token';

interface Actor {
  name: ActorName;
  /** The bearer token it presents (undefined: none). */
  token: string | undefined;
  /** Its own account, when it has one (for requests aimed at itself, like self-promotion). */
  accountId?: string;
  /** An open socket, when the handshake lets it in at all. */
  socket?: Socket;
}

interface Ctx {
  roomId: string;
  groupId: string;
  harborA: string;
  harborB: string;
  gina: FacilitatorAccount;
  ginaAssignment: string;
  reportId: string;
  patMemberId: string;
  quinnMemberId: string;
  wrenMemberId: string;
  messageId: string;
}

interface RestCall {
  method: string;
  path: string;
  body?: unknown;
}

type RestOutcome = 'unauthorized' | 'forbidden' | 'sees none of the group' | 'forbidden or empty';

const SOCKET_EVENTS: { event: string; payload: (c: Ctx) => Record<string, unknown> }[] = [
  {
    event: 'mod:mute',
    payload: (c) => ({ roomId: c.roomId, memberId: c.patMemberId, minutes: 10 }),
  },
  { event: 'mod:unmute', payload: (c) => ({ roomId: c.roomId, memberId: c.quinnMemberId }) },
  { event: 'mod:pin', payload: (c) => ({ roomId: c.roomId, messageId: c.messageId }) },
  { event: 'mod:delete', payload: (c) => ({ roomId: c.roomId, messageId: c.messageId }) },
  { event: 'mod:admit', payload: (c) => ({ roomId: c.roomId, memberId: c.wrenMemberId }) },
  {
    event: 'room:update',
    payload: (c) => ({
      roomId: c.roomId,
      locked: true,
      slowModeSeconds: 60,
      waitingRoom: true,
      shareSeconds: 10,
    }),
  },
  { event: 'share:end', payload: (c) => ({ roomId: c.roomId }) },
  { event: 'share:next', payload: (c) => ({ roomId: c.roomId }) },
  { event: 'mod:kick', payload: (c) => ({ roomId: c.roomId, memberId: c.patMemberId }) },
  {
    event: 'mod:ban',
    payload: (c) => ({ roomId: c.roomId, memberId: c.patMemberId, scope: 'group' }),
  },
  { event: 'room:close', payload: (c) => ({ roomId: c.roomId }) },
];

/** Requests aimed at an account go at the actor's own account where it has one (self-service). */
function selfOrGina(c: Ctx, actor: { accountId?: string }): string {
  return actor.accountId ?? c.gina.id;
}

const REST_CALLS: {
  name: string;
  call: (c: Ctx, actor: { accountId?: string }) => RestCall;
  otherGroup: RestOutcome;
}[] = [
  {
    name: 'GET /facilitators',
    call: () => ({ method: 'GET', path: '/facilitators' }),
    otherGroup: 'forbidden',
  },
  {
    name: 'GET /facilitators/:id',
    call: (c) => ({ method: 'GET', path: `/facilitators/${c.gina.id}` }),
    otherGroup: 'forbidden',
  },
  {
    name: 'GET /facilitators/:id/assignments',
    call: (c) => ({ method: 'GET', path: `/facilitators/${c.gina.id}/assignments` }),
    otherGroup: 'forbidden',
  },
  {
    name: 'POST /facilitators',
    call: () => ({
      method: 'POST',
      path: '/facilitators',
      body: { email: 'sneaky@example.org', displayName: 'Sneaky', password: 'sneaky-password-1' },
    }),
    otherGroup: 'forbidden',
  },
  {
    name: 'PATCH /facilitators/:id (role admin, enabled)',
    call: (c, a) => ({
      method: 'PATCH',
      path: `/facilitators/${selfOrGina(c, a)}`,
      body: { role: 'admin', disabled: false },
    }),
    otherGroup: 'forbidden',
  },
  {
    name: 'POST /facilitators/:id/assignments (the group)',
    call: (c, a) => ({
      method: 'POST',
      path: `/facilitators/${selfOrGina(c, a)}/assignments`,
      body: { groupId: c.groupId },
    }),
    otherGroup: 'forbidden',
  },
  {
    name: 'DELETE /facilitators/:id/assignments/:assignmentId',
    call: (c) => ({
      method: 'DELETE',
      path: `/facilitators/${c.gina.id}/assignments/${c.ginaAssignment}`,
    }),
    otherGroup: 'forbidden',
  },
  {
    name: 'GET /moderation/reports',
    call: () => ({ method: 'GET', path: '/moderation/reports' }),
    otherGroup: 'sees none of the group',
  },
  {
    name: 'POST /moderation/reports/:id/resolve',
    call: (c) => ({
      method: 'POST',
      path: `/moderation/reports/${c.reportId}/resolve`,
      body: { note: 'nothing to see', action: 'none' },
    }),
    otherGroup: 'forbidden',
  },
  {
    name: 'GET /moderation/audit?roomId=',
    call: (c) => ({ method: 'GET', path: `/moderation/audit?roomId=${c.roomId}` }),
    otherGroup: 'forbidden or empty',
  },
  {
    name: 'GET /moderation/audit',
    call: () => ({ method: 'GET', path: '/moderation/audit' }),
    otherGroup: 'sees none of the group',
  },
  {
    name: 'POST /meetings (in the group)',
    call: () => ({
      method: 'POST',
      path: '/meetings',
      body: {
        name: 'Sneaky Meeting',
        fellowship: 'na',
        day: 1,
        time: '20:00',
        timezone: 'America/New_York',
        conference_url: 'https://zoom.us/j/999888777',
        group: 'Harbor Group',
      },
    }),
    otherGroup: 'forbidden',
  },
  {
    name: 'PATCH /meetings/:slug',
    call: (c) => ({ method: 'PATCH', path: `/meetings/${c.harborA}`, body: { name: 'Hijacked' } }),
    otherGroup: 'forbidden',
  },
  {
    name: 'POST /imports',
    call: () => ({
      method: 'POST',
      path: '/imports',
      body: {
        format: 'meeting-guide',
        source: 'matrix-import',
        data: [
          {
            slug: 'imported-sneak',
            name: 'Imported Sneak',
            fellowship: 'aa',
            day: 2,
            time: '18:00',
            timezone: 'America/Chicago',
            address: '1 Main St',
            city: 'Springfield',
            state: 'IL',
          },
        ],
      },
    }),
    otherGroup: 'forbidden',
  },
  {
    name: 'POST /rooms (for a meeting of the group)',
    call: (c) => ({
      method: 'POST',
      path: '/rooms',
      body: { name: 'Sneaky room', meetingSlug: c.harborB },
    }),
    otherGroup: 'forbidden',
  },
  {
    name: 'PATCH /rooms/:id',
    call: (c) => ({
      method: 'PATCH',
      path: `/rooms/${c.roomId}`,
      body: { name: 'Hijacked room', status: 'closed', waitingRoom: true },
    }),
    otherGroup: 'forbidden',
  },
  {
    name: 'DELETE /meetings/:slug',
    call: (c) => ({ method: 'DELETE', path: `/meetings/${c.harborA}` }),
    otherGroup: 'forbidden',
  },
];

describe('authorization matrix', () => {
  let t: TestApp;
  let admin: string;
  let adminSocket: Socket;
  const pool = new SocketPool();
  const ctx = {} as Ctx;
  const actors = new Map<ActorName, Actor>();
  let pat: Person;
  let quinn: Person;
  let wrenSocket: Socket;
  const victimEvents: unknown[][] = [];

  /** Everything a refused request might have changed, read straight from the tables. */
  async function snapshot(): Promise<string> {
    const parts = await Promise.all([
      sql(
        t,
        'SELECT id, email, display_name, role, disabled, password_hash FROM account ORDER BY id',
      ),
      sql(
        t,
        'SELECT id, account_id, group_id, meeting_id, room_id FROM facilitator_assignment ORDER BY id',
      ),
      sql(t, 'SELECT id, slug, name, group_id, updated_at::text FROM meeting ORDER BY id'),
      sql(t, 'SELECT id, name FROM meeting_group ORDER BY id'),
      sql(
        t,
        `SELECT id, name, meeting_id, status, override_status, override_until::text, locked,
                waiting_room, slow_mode_seconds, share_seconds, pinned_message_id,
                floor_member_id, floor_ends_at::text
         FROM room ORDER BY id`,
      ),
      sql(
        t,
        `SELECT m.id, m.state, m.muted_until::text, m.hand_raised_at::text,
                (SELECT count(*)::int FROM room_connection c WHERE c.member_id = m.id) AS connections
         FROM room_member m ORDER BY m.id`,
      ),
      sql(t, 'SELECT id, body, deleted_at IS NULL AS present FROM message ORDER BY id'),
      sql(t, 'SELECT id, status, resolution_note FROM message_report ORDER BY id'),
      sql(t, 'SELECT id FROM ban ORDER BY id'),
      sql(t, 'SELECT id FROM moderation_audit ORDER BY id'),
    ]);
    return JSON.stringify(parts);
  }

  beforeAll(async () => {
    t = await startTestApp({ env: MOD_ENV });
    admin = await login(t);
    const adminId = (
      await api<{ account: { id: string } }>(t, 'POST', '/auth/login', {
        body: { email: 'admin@example.org', password: 'test-admin-password-1' },
      })
    ).body.account.id;

    const a = await groupMeeting(t, admin, 'Harbor Matrix A', 'Harbor Group');
    const b = await groupMeeting(t, admin, 'Harbor Matrix B', 'Harbor Group', { day: 4 });
    const light = await groupMeeting(t, admin, 'Lighthouse Matrix', 'Lighthouse Group');
    ctx.harborA = a.slug;
    ctx.harborB = b.slug;
    ctx.groupId = await groupIdOfMeeting(t, a.slug);
    ctx.roomId = await meetingRoom(t, admin, a.slug, 'Harbor matrix room');
    const roomId = ctx.roomId;

    ctx.gina = await createFacilitator(t, admin, 'Gina');
    ctx.ginaAssignment = await assign(t, admin, ctx.gina.id, { groupId: ctx.groupId });
    const otto = await createFacilitator(t, admin, 'Otto');
    await assign(t, admin, otto.id, { groupId: await groupIdOfMeeting(t, light.slug) });
    const dora = await createFacilitator(t, admin, 'Dora');
    await assign(t, admin, dora.id, { groupId: ctx.groupId });
    const dana = await createFacilitator(t, admin, 'Dana');
    await assign(t, admin, dana.id, { groupId: ctx.groupId });

    // The room as a meeting in progress: a floor, a queue, a muted member, someone waiting,
    // a message, and an open report.
    adminSocket = (await joinAccount(t, pool, roomId, 'Host', admin)).socket;
    ackData(await emitAck(adminSocket, 'room:update', { roomId, shareSeconds: 3600 }));
    pat = await joinParticipant(t, pool, roomId, 'Pat');
    quinn = await joinParticipant(t, pool, roomId, 'Quinn');
    ctx.patMemberId = pat.memberId;
    ctx.quinnMemberId = quinn.memberId;
    ctx.messageId = (await sendOk(pat.socket, roomId, 'the message everyone wants to touch')).id;
    ctx.reportId = ackData(
      await emitAck<{ reportId: string }>(quinn.socket, 'message:report', {
        roomId,
        messageId: ctx.messageId,
        reason: 'please look',
      }),
    ).reportId;
    ackData(await emitAck(pat.socket, 'hand:raise', { roomId }));
    ackData(await emitAck(quinn.socket, 'hand:raise', { roomId }));
    ackData(await emitAck(adminSocket, 'share:next', { roomId }));
    ackData(
      await emitAck(adminSocket, 'mod:mute', { roomId, memberId: quinn.memberId, minutes: 60 }),
    );
    ackData(await emitAck(adminSocket, 'room:update', { roomId, waitingRoom: true }));
    const wren = await newParticipant(t);
    wrenSocket = await pool.connect(t, wren.token);
    const waiting = await emitAck(wrenSocket, 'room:join', { roomId, handle: 'Wren' });
    expect(waiting.error?.code).toBe('WAITING_FOR_ADMISSION');
    ackData(await emitAck(adminSocket, 'room:update', { roomId, waitingRoom: false }));
    const [wrenRow] = await sql<{ id: string }>(
      t,
      `SELECT id FROM room_member WHERE room_id = $1 AND handle = 'Wren'`,
      [roomId],
    );
    ctx.wrenMemberId = wrenRow?.id ?? '';

    // The actors.
    const mallory = await joinParticipant(t, pool, roomId, 'Mallory');
    actors.set('participant', {
      name: 'participant',
      token: mallory.token,
      socket: mallory.socket,
    });
    const ottoIn = await joinAccount(t, pool, roomId, 'Otto', otto.token);
    expect(ottoIn.join.self.role).toBe('participant');
    actors.set('other-group facilitator', {
      name: 'other-group facilitator',
      token: otto.token,
      accountId: otto.id,
      socket: ottoIn.socket,
    });
    // Dora (REST) is disabled through the API; Dana's socket was opened before she was disabled
    // behind the API's back, so that it stays open to try every event.
    expect((await api(t, 'GET', '/moderation/reports', { token: dora.token })).status).toBe(200);
    expect(
      (
        await api(t, 'PATCH', `/facilitators/${dora.id}`, {
          token: admin,
          body: { disabled: true },
        })
      ).status,
    ).toBe(200);
    const danaIn = await joinAccount(t, pool, roomId, 'Dana', dana.token);
    expect(danaIn.join.self.role).toBe('facilitator');
    await sql(t, 'UPDATE account SET disabled = true WHERE id = $1', [dana.id]);
    actors.set('disabled facilitator', {
      name: 'disabled facilitator',
      token: dora.token,
      accountId: dora.id,
      socket: danaIn.socket,
    });
    const now = Math.floor(Date.now() / 1000);
    actors.set('expired token', {
      name: 'expired token',
      token: await mintAccessToken(adminId, { iat: now - 7200, exp: now - 3600 }),
    });
    actors.set('no token', { name: 'no token', token: undefined });

    for (const s of [pat.socket, quinn.socket, wrenSocket]) {
      victimEvents.push(collect(s, 'moderation'), collect(s, 'room:closed'));
    }
    victimEvents.push(collect(pat.socket, 'message:deleted'));
  });

  afterAll(async () => {
    pool.closeAll();
    await t.close();
  });

  const ACTOR_NAMES: ActorName[] = [
    'participant',
    'other-group facilitator',
    'disabled facilitator',
    'expired token',
    'no token',
  ];

  describe('facilitator-only socket events', () => {
    for (const actorName of ACTOR_NAMES) {
      for (const { event, payload } of SOCKET_EVENTS) {
        test(`${event} as ${actorName} is refused and changes nothing`, async () => {
          const actor = actors.get(actorName);
          if (actor === undefined) throw new Error(`no actor ${actorName}`);
          const before = await snapshot();
          const eventsBefore = victimEvents.map((seen) => seen.length);
          if (actor.socket === undefined) {
            // The handshake itself refuses this token.
            const refused = await connectError(t.baseUrl, actor.token);
            expect(refused.data?.code).toBe('UNAUTHORIZED');
          } else {
            const reply = await emitAck(actor.socket, event, payload(ctx));
            expect(reply).toEqual({
              ok: false,
              error: { code: 'FORBIDDEN', message: expect.any(String) as string },
            });
          }
          // A round trip on a victim's socket: anything sent to them has arrived by now.
          await emitAck(pat.socket, 'room:sync', { roomId: ctx.roomId, afterSeq: 0 });
          expect(victimEvents.map((seen) => seen.length)).toEqual(eventsBefore);
          expect(await snapshot()).toBe(before);
        });
      }
    }
  });

  describe('facilitator and admin REST endpoints', () => {
    function expectOutcome(res: JsonResponse<unknown>, outcome: RestOutcome): void {
      switch (outcome) {
        case 'unauthorized':
          expectApiError(res, 401, 'UNAUTHORIZED');
          break;
        case 'forbidden':
          expectApiError(res, 403, 'FORBIDDEN');
          break;
        case 'sees none of the group': {
          expect(res.status).toBe(200);
          const items = (res.body as { items: { roomId: string }[] }).items;
          expect(items.filter((i) => i.roomId === ctx.roomId)).toEqual([]);
          break;
        }
        case 'forbidden or empty':
          if (res.status === 200) expect((res.body as { items: unknown[] }).items).toEqual([]);
          else expectApiError(res, 403, 'FORBIDDEN');
          break;
      }
    }

    for (const actorName of ACTOR_NAMES) {
      for (const { name, call, otherGroup } of REST_CALLS) {
        test(`${name} as ${actorName} is refused and changes nothing`, async () => {
          const actor = actors.get(actorName);
          if (actor === undefined) throw new Error(`no actor ${actorName}`);
          const before = await snapshot();
          const request = call(ctx, actor);
          const res = await api(t, request.method, request.path, {
            token: actor.token,
            body: request.body,
          });
          expectOutcome(res, actorName === 'other-group facilitator' ? otherGroup : 'unauthorized');
          expect(await snapshot()).toBe(before);
        });
      }
    }
  });

  describe('the same actions as the admin (the control): each one has an effect', () => {
    for (const { event, payload } of SOCKET_EVENTS) {
      test(`${event} as the admin succeeds and changes the room`, async () => {
        const before = await snapshot();
        const reply = await emitAck(adminSocket, event, payload(ctx));
        expect(reply).toMatchObject({ ok: true });
        expect(await snapshot()).not.toBe(before);
      });
    }

    for (const { name, call } of REST_CALLS) {
      test(`${name} as the admin succeeds`, async () => {
        const request = call(ctx, {});
        const res = await api(t, request.method, request.path, {
          token: admin,
          body: request.body,
        });
        expect({ name, ok: res.status >= 200 && res.status < 300 }).toEqual({ name, ok: true });
      });
    }
  });
});
