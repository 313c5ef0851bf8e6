/**
 * End-to-end: facilitator and admin accounts (CONTRACT.md §1): the first admin from the
 * environment, the admin REST API for accounts and assignments, how passwords are stored,
 * sign-in and its throttling, and what disabling an account does to tokens and open sockets.
 */
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ADMIN_ENV, api, login, TEST_ADMIN } from '../support/http.js';
import { collect, emitAck, nextEvent } from '../support/sockets.js';
import {
  connectError,
  createFacilitator,
  expectAckError,
  expectApiError,
  FACILITATOR_PASSWORD,
  groupIdOfMeeting,
  groupMeeting,
  joinAccount,
  joinParticipant,
  MOD_ENV,
  openRoom,
  SocketPool,
  sql,
  UUID,
} from './moderation-fixtures.js';

interface FacilitatorBody {
  id: string;
  email: string;
  displayName: string;
  role: 'admin' | 'facilitator';
  disabled: boolean;
  createdAt: string;
  assignments: AssignmentBody[];
}

interface AssignmentBody {
  id: string;
  groupId: string | null;
  groupName: string | null;
  meetingSlug: string | null;
  roomId: string | null;
  createdAt: string;
}

interface LoginBody {
  accessToken: string;
  expiresIn: number;
  account: { id: string; email: string; displayName: string; role: string };
}

async function countAccounts(t: TestApp): Promise<number> {
  const rows = await sql<{ n: number }>(t, 'SELECT count(*)::int AS n FROM account');
  return rows[0]?.n ?? -1;
}

describe('facilitator accounts over the admin REST API', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  const pool = new SocketPool();

  beforeAll(async () => {
    t = await startTestApp({ env: MOD_ENV });
    const res = await api<LoginBody>(t, 'POST', '/auth/login', {
      body: { email: TEST_ADMIN.email, password: TEST_ADMIN.password },
    });
    admin = res.body.accessToken;
    adminId = res.body.account.id;
  });

  afterAll(async () => {
    pool.closeAll();
    await t.close();
  });

  test('the first admin is created from ADMIN_EMAIL and ADMIN_PASSWORD', async () => {
    const res = await api<LoginBody>(t, 'POST', '/auth/login', {
      body: { email: TEST_ADMIN.email, password: TEST_ADMIN.password },
    });
    expect(res.status).toBe(200);
    expect(res.body.account).toEqual({
      id: expect.stringMatching(UUID) as string,
      email: TEST_ADMIN.email,
      displayName: expect.any(String) as string,
      role: 'admin',
    });
    const list = await api<{ items: FacilitatorBody[] }>(t, 'GET', '/facilitators', {
      token: admin,
    });
    expect(list.status).toBe(200);
    expect(list.body.items.filter((a) => a.role === 'admin')).toEqual([
      expect.objectContaining({ id: adminId, email: TEST_ADMIN.email, disabled: false }),
    ]);
  });

  test('POST /facilitators creates an account (201) that can sign in; the response has no password', async () => {
    const res = await api<FacilitatorBody>(t, 'POST', '/facilitators', {
      token: admin,
      body: {
        email: 'Robin.Helper@Example.org',
        displayName: 'Robin',
        password: 'robin-password-123',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID) as string,
      email: 'robin.helper@example.org',
      displayName: 'Robin',
      role: 'facilitator',
      disabled: false,
      createdAt: expect.any(String) as string,
      assignments: [],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/password|argon/i);
    const signedIn = await api<LoginBody>(t, 'POST', '/auth/login', {
      body: { email: 'robin.helper@example.org', password: 'robin-password-123' },
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.account).toEqual({
      id: res.body.id,
      email: 'robin.helper@example.org',
      displayName: 'Robin',
      role: 'facilitator',
    });
  });

  test('a duplicate email (in any letter case) is 409 CONFLICT and creates nothing', async () => {
    const body = { email: 'dup@example.org', displayName: 'Dup', password: 'dup-password-1234' };
    expect((await api(t, 'POST', '/facilitators', { token: admin, body })).status).toBe(201);
    const before = await countAccounts(t);
    expectApiError(await api(t, 'POST', '/facilitators', { token: admin, body }), 409, 'CONFLICT');
    expectApiError(
      await api(t, 'POST', '/facilitators', {
        token: admin,
        body: { ...body, email: 'DUP@Example.ORG' },
      }),
      409,
      'CONFLICT',
    );
    expect(await countAccounts(t)).toBe(before);
  });

  test('a weak password (or a bad email) is 400 VALIDATION_FAILED and creates nothing', async () => {
    const before = await countAccounts(t);
    for (const body of [
      { email: 'weak@example.org', displayName: 'Weak', password: 'short' },
      { email: 'weak@example.org', displayName: 'Weak', password: '12345678901' },
      { email: 'weak@example.org', displayName: 'Weak' },
      { email: 'not-an-email', displayName: 'Weak', password: 'long-enough-password' },
    ]) {
      expectApiError(
        await api(t, 'POST', '/facilitators', { token: admin, body }),
        400,
        'VALIDATION_FAILED',
      );
    }
    expect(await countAccounts(t)).toBe(before);
  });

  test('GET /facilitators lists every account with its assignments', async () => {
    const kim = await createFacilitator(t, admin, 'Kim');
    const list = await api<{ items: FacilitatorBody[]; nextCursor: string | null }>(
      t,
      'GET',
      '/facilitators',
      { token: admin },
    );
    expect(list.status).toBe(200);
    const ids = list.body.items.map((a) => a.id);
    expect(ids).toEqual(expect.arrayContaining([adminId, kim.id]));
    expect(list.body.items.find((a) => a.id === kim.id)).toEqual({
      id: kim.id,
      email: kim.email,
      displayName: 'Kim',
      role: 'facilitator',
      disabled: false,
      createdAt: expect.any(String) as string,
      assignments: [],
    });
    expect(JSON.stringify(list.body)).not.toMatch(/argon|passwordHash|password_hash/i);
  });

  test('PATCH changes the display name, the role and the password', async () => {
    const lee = await createFacilitator(t, admin, 'Lee');
    const renamed = await api<FacilitatorBody>(t, 'PATCH', `/facilitators/${lee.id}`, {
      token: admin,
      body: { displayName: 'Lee M.' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: lee.id, displayName: 'Lee M.', role: 'facilitator' });

    const promoted = await api<FacilitatorBody>(t, 'PATCH', `/facilitators/${lee.id}`, {
      token: admin,
      body: { role: 'admin' },
    });
    expect(promoted.body).toMatchObject({ role: 'admin' });
    // The new role holds on the next request: an admin-only list now answers Lee.
    const asLee = await login(t, lee.email, lee.password);
    expect((await api(t, 'GET', '/facilitators', { token: asLee })).status).toBe(200);
    const demoted = await api<FacilitatorBody>(t, 'PATCH', `/facilitators/${lee.id}`, {
      token: admin,
      body: { role: 'facilitator' },
    });
    expect(demoted.body).toMatchObject({ role: 'facilitator' });
    expectApiError(await api(t, 'GET', '/facilitators', { token: asLee }), 403, 'FORBIDDEN');

    const newPassword = 'lee-new-password-42';
    expect(
      (
        await api(t, 'PATCH', `/facilitators/${lee.id}`, {
          token: admin,
          body: { password: newPassword },
        })
      ).status,
    ).toBe(200);
    expectApiError(
      await api(t, 'POST', '/auth/login', { body: { email: lee.email, password: lee.password } }),
      401,
      'UNAUTHORIZED',
    );
    expect(
      (await api(t, 'POST', '/auth/login', { body: { email: lee.email, password: newPassword } }))
        .status,
    ).toBe(200);
    const [row] = await sql<{ password_hash: string }>(
      t,
      'SELECT password_hash FROM account WHERE id = $1',
      [lee.id],
    );
    expect(row?.password_hash.startsWith('$argon2id$')).toBe(true);

    expectApiError(
      await api(t, 'PATCH', `/facilitators/${lee.id}`, {
        token: admin,
        body: { password: 'too-short' },
      }),
      400,
      'VALIDATION_FAILED',
    );
    expectApiError(
      await api(t, 'PATCH', `/facilitators/${lee.id}`, { token: admin, body: { role: 'owner' } }),
      400,
      'VALIDATION_FAILED',
    );
    expectApiError(
      await api(t, 'PATCH', '/facilitators/00000000-0000-4000-8000-000000000000', {
        token: admin,
        body: { displayName: 'Nobody' },
      }),
      404,
      'NOT_FOUND',
    );
  });

  test('the last enabled admin cannot be demoted or disabled (409), another admin makes it possible', async () => {
    expectApiError(
      await api(t, 'PATCH', `/facilitators/${adminId}`, {
        token: admin,
        body: { role: 'facilitator' },
      }),
      409,
      'CONFLICT',
    );
    expectApiError(
      await api(t, 'PATCH', `/facilitators/${adminId}`, { token: admin, body: { disabled: true } }),
      409,
      'CONFLICT',
    );
    // A second admin who is disabled does not count.
    const second = await createFacilitator(t, admin, 'Second Admin', 'admin');
    expect(
      (
        await api(t, 'PATCH', `/facilitators/${second.id}`, {
          token: admin,
          body: { disabled: true },
        })
      ).status,
    ).toBe(200);
    expectApiError(
      await api(t, 'PATCH', `/facilitators/${adminId}`, {
        token: admin,
        body: { role: 'facilitator' },
      }),
      409,
      'CONFLICT',
    );
    const [stillAdmin] = await sql<{ role: string; disabled: boolean }>(
      t,
      'SELECT role, disabled FROM account WHERE id = $1',
      [adminId],
    );
    expect(stillAdmin).toEqual({ role: 'admin', disabled: false });

    // Once the second admin is enabled, the first may step down, and then the second is last.
    expect(
      (
        await api(t, 'PATCH', `/facilitators/${second.id}`, {
          token: admin,
          body: { disabled: false },
        })
      ).status,
    ).toBe(200);
    const secondToken = await login(t, second.email, second.password);
    const demoted = await api<FacilitatorBody>(t, 'PATCH', `/facilitators/${adminId}`, {
      token: secondToken,
      body: { role: 'facilitator' },
    });
    expect(demoted.status).toBe(200);
    expectApiError(
      await api(t, 'PATCH', `/facilitators/${second.id}`, {
        token: secondToken,
        body: { disabled: true },
      }),
      409,
      'CONFLICT',
    );
    // Restore the original admin for the other tests.
    expect(
      (
        await api(t, 'PATCH', `/facilitators/${adminId}`, {
          token: secondToken,
          body: { role: 'admin' },
        })
      ).status,
    ).toBe(200);
  });

  test('two admins stepping down at the same moment still leave one enabled admin', async () => {
    // A race: repeated a few times so that a check-then-write gap shows up reliably.
    const rounds: { statuses: number[]; enabledAdmins: number }[] = [];
    for (let round = 0; round < 5; round++) {
      const a = await createFacilitator(t, admin, `Race Admin A${round}`, 'admin');
      const b = await createFacilitator(t, admin, `Race Admin B${round}`, 'admin');
      // Set-up: A and B are the only enabled admins while this runs.
      const others = await sql<{ id: string }>(
        t,
        `SELECT id FROM account WHERE role = 'admin' AND NOT disabled AND id <> ALL($1::uuid[])`,
        [[a.id, b.id]],
      );
      await sql(t, `UPDATE account SET disabled = true WHERE id = ANY($1::uuid[])`, [
        others.map((o) => o.id),
      ]);
      try {
        const [demoteA, disableB] = await Promise.all([
          api(t, 'PATCH', `/facilitators/${a.id}`, {
            token: b.token,
            body: { role: 'facilitator' },
          }),
          api(t, 'PATCH', `/facilitators/${b.id}`, { token: a.token, body: { disabled: true } }),
        ]);
        const enabled = await sql<{ id: string }>(
          t,
          `SELECT id FROM account WHERE role = 'admin' AND NOT disabled`,
        );
        rounds.push({
          statuses: [demoteA.status, disableB.status].sort(),
          enabledAdmins: enabled.length,
        });
      } finally {
        // Restore the other admins; A and B leave the stage.
        await sql(t, `UPDATE account SET disabled = false WHERE id = ANY($1::uuid[])`, [
          others.map((o) => o.id),
        ]);
        await sql(t, `UPDATE account SET disabled = true WHERE id = ANY($1::uuid[])`, [
          [a.id, b.id],
        ]);
      }
    }
    // The loser is refused either by the last-admin rule (409) or, when the winner's change
    // landed before its request was even authorized, because it is no longer an admin (403).
    for (const round of rounds) {
      expect(round.enabledAdmins).toBe(1);
      expect(round.statuses[0]).toBe(200);
      expect([403, 409]).toContain(round.statuses[1]);
    }
  });

  test('every stored password is an argon2id hash, never the password', async () => {
    const rows = await sql<{ email: string; password_hash: string }>(
      t,
      'SELECT email, password_hash FROM account',
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      expect({ email: row.email, argon2id: row.password_hash.startsWith('$argon2id$') }).toEqual({
        email: row.email,
        argon2id: true,
      });
      expect(row.password_hash).not.toContain(FACILITATOR_PASSWORD);
      expect(row.password_hash).not.toContain(TEST_ADMIN.password);
    }
  });

  test('assignments: groupId, meetingSlug or roomId (exactly one), listed, and deleted', async () => {
    const pat = await createFacilitator(t, admin, 'Pat Assign');
    const meeting = await groupMeeting(t, admin, 'Assign Harbor Tuesday', 'Assign Harbor Group');
    const groupId = await groupIdOfMeeting(t, meeting.slug);
    const roomId = await openRoom(t, admin, 'Assignment room');
    const base = `/facilitators/${pat.id}/assignments`;

    const byGroup = await api<AssignmentBody>(t, 'POST', base, { token: admin, body: { groupId } });
    expect(byGroup.status).toBe(201);
    expect(byGroup.body).toEqual({
      id: expect.stringMatching(UUID) as string,
      groupId,
      groupName: 'Assign Harbor Group',
      meetingSlug: null,
      roomId: null,
      createdAt: expect.any(String) as string,
    });
    const byMeeting = await api<AssignmentBody>(t, 'POST', base, {
      token: admin,
      body: { meetingSlug: meeting.slug },
    });
    expect(byMeeting.status).toBe(201);
    expect(byMeeting.body).toMatchObject({
      groupId: null,
      meetingSlug: meeting.slug,
      roomId: null,
    });
    const byRoom = await api<AssignmentBody>(t, 'POST', base, { token: admin, body: { roomId } });
    expect(byRoom.status).toBe(201);
    expect(byRoom.body).toMatchObject({ groupId: null, meetingSlug: null, roomId });

    const listed = await api<AssignmentBody[]>(t, 'GET', base, { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.map((a) => a.id).sort()).toEqual(
      [byGroup.body.id, byMeeting.body.id, byRoom.body.id].sort(),
    );

    // Not exactly one target, or a malformed one: 400; an unknown target or account: 404.
    for (const body of [
      {},
      { groupId, roomId },
      { groupId, meetingSlug: meeting.slug, roomId },
      { groupId: 'not-a-uuid' },
      { roomId: 42 },
    ]) {
      expectApiError(await api(t, 'POST', base, { token: admin, body }), 400, 'VALIDATION_FAILED');
    }
    for (const body of [
      { groupId: '00000000-0000-4000-8000-000000000001' },
      { meetingSlug: 'no-such-meeting-anywhere' },
      { roomId: '00000000-0000-4000-8000-000000000002' },
    ]) {
      expectApiError(await api(t, 'POST', base, { token: admin, body }), 404, 'NOT_FOUND');
    }
    expectApiError(
      await api(t, 'POST', '/facilitators/00000000-0000-4000-8000-000000000003/assignments', {
        token: admin,
        body: { roomId },
      }),
      404,
      'NOT_FOUND',
    );
    expect((await api<AssignmentBody[]>(t, 'GET', base, { token: admin })).body).toHaveLength(3);

    // The room assignment lets Pat moderate that room; removing it takes that away.
    const asPat = await joinAccount(t, pool, roomId, 'Pat A', pat.token);
    expect(asPat.join.self.role).toBe('facilitator');
    asPat.socket.disconnect();

    const removed = await api(t, 'DELETE', `${base}/${byRoom.body.id}`, { token: admin });
    expect(removed.status).toBe(204);
    expectApiError(
      await api(t, 'DELETE', `${base}/${byRoom.body.id}`, { token: admin }),
      404,
      'NOT_FOUND',
    );
    expect(
      (await api<AssignmentBody[]>(t, 'GET', base, { token: admin })).body.map((a) => a.id).sort(),
    ).toEqual([byGroup.body.id, byMeeting.body.id].sort());

    const river = await joinParticipant(t, pool, roomId, 'River');
    const again = await joinAccount(t, pool, roomId, 'Pat A', pat.token);
    expect(again.join.self.role).toBe('participant');
    expectAckError(
      await emitAck(again.socket, 'mod:mute', { roomId, memberId: river.memberId }),
      'FORBIDDEN',
    );
  });

  test('removing an assignment ends the facilitator’s view of the room on an open socket too', async () => {
    const roomId = await openRoom(t, admin, 'Unassigned room');
    const uma = await createFacilitator(t, admin, 'Uma Unassigned');
    const assignmentId = (
      await api<AssignmentBody>(t, 'POST', `/facilitators/${uma.id}/assignments`, {
        token: admin,
        body: { roomId },
      })
    ).body.id;
    const umas = await joinAccount(t, pool, roomId, 'Uma', uma.token);
    expect(umas.join.self.role).toBe('facilitator');
    const reports = collect(umas.socket, 'report:new');
    const pat = await joinParticipant(t, pool, roomId, 'Pat');
    const rae = await joinParticipant(t, pool, roomId, 'Rae');
    // The socket carried the assignment's powers: it is ended, and Uma reconnects with what is left.
    const disconnected = new Promise<string>((resolve) => umas.socket.once('disconnect', resolve));
    expect(
      (
        await api(t, 'DELETE', `/facilitators/${uma.id}/assignments/${assignmentId}`, {
          token: admin,
        })
      ).status,
    ).toBe(204);
    expect(await disconnected).toBe('io server disconnect');

    const again = await joinAccount(t, pool, roomId, 'Uma', uma.token);
    expect(again.join.self.role).toBe('participant');
    const reportsAgain = collect(again.socket, 'report:new');
    expectAckError(
      await emitAck(again.socket, 'mod:mute', { roomId, memberId: pat.memberId }),
      'FORBIDDEN',
    );
    const message = await emitAck<{ id: string }>(pat.socket, 'message:send', {
      roomId,
      clientId: '0b7f7f3e-5a0c-4c1e-9d7e-2f1c3b4a5d6e',
      body: 'something to report',
    });
    // A report in a room Uma no longer looks after must not reach her.
    await emitAck(rae.socket, 'message:report', {
      roomId,
      messageId: message.data?.id,
      reason: 'private reason',
    });
    await emitAck(again.socket, 'room:sync', { roomId, afterSeq: 0 });
    expect(reports).toEqual([]);
    expect(reportsAgain).toEqual([]);
  });

  test('a wrong password and an unknown email get the same 401', async () => {
    const wrong = await api(t, 'POST', '/auth/login', {
      body: { email: TEST_ADMIN.email, password: 'definitely-not-it' },
    });
    const unknown = await api(t, 'POST', '/auth/login', {
      body: { email: 'nobody-here@example.org', password: TEST_ADMIN.password },
    });
    expectApiError(wrong, 401, 'UNAUTHORIZED');
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toEqual(wrong.body);
  });

  test('five wrong passwords for one account: the sixth attempt is 429 RATE_LIMITED, even with the right password', async () => {
    const sam = await createFacilitator(t, admin, 'Sam Throttle');
    for (let i = 0; i < 5; i++) {
      expectApiError(
        await api(t, 'POST', '/auth/login', {
          body: { email: sam.email, password: `wrong-guess-${i}` },
        }),
        401,
        'UNAUTHORIZED',
      );
    }
    expectApiError(
      await api(t, 'POST', '/auth/login', { body: { email: sam.email, password: sam.password } }),
      429,
      'RATE_LIMITED',
    );
    // The same account in other letter case is the same account.
    expectApiError(
      await api(t, 'POST', '/auth/login', {
        body: { email: sam.email.toUpperCase(), password: sam.password },
      }),
      429,
      'RATE_LIMITED',
    );
    // Other accounts are not affected.
    expect(
      (
        await api(t, 'POST', '/auth/login', {
          body: { email: TEST_ADMIN.email, password: TEST_ADMIN.password },
        })
      ).status,
    ).toBe(200);
  });

  test('only failures count: many good sign-ins in a row, and a typo or two, are never throttled', async () => {
    const ada = await createFacilitator(t, admin, 'Ada Often');
    for (let i = 0; i < 8; i++) {
      expect(
        (
          await api(t, 'POST', '/auth/login', {
            body: { email: ada.email, password: ada.password },
          })
        ).status,
      ).toBe(200);
    }
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) {
        expect(
          (await api(t, 'POST', '/auth/login', { body: { email: ada.email, password: 'typo' } }))
            .status,
        ).toBe(401);
      }
      expect(
        (
          await api(t, 'POST', '/auth/login', {
            body: { email: ada.email, password: ada.password },
          })
        ).status,
      ).toBe(200);
    }
  });

  test('disabling an account: its token stops working at once, its open socket is disconnected, it cannot sign in', async () => {
    const dee = await createFacilitator(t, admin, 'Dee Disabled');
    const roomId = await openRoom(t, admin, 'Disable room');
    await api(t, 'POST', `/facilitators/${dee.id}/assignments`, {
      token: admin,
      body: { roomId },
    });
    expect((await api(t, 'GET', '/moderation/reports', { token: dee.token })).status).toBe(200);
    const dees = await joinAccount(t, pool, roomId, 'Dee', dee.token);
    expect(dees.join.self.role).toBe('facilitator');

    const gone = nextEvent<string>(dees.socket, 'disconnect');
    const res = await api<FacilitatorBody>(t, 'PATCH', `/facilitators/${dee.id}`, {
      token: admin,
      body: { disabled: true },
    });
    expect(res.status).toBe(200);
    expect(res.body.disabled).toBe(true);
    expect(await gone).toBe('io server disconnect');

    expectApiError(
      await api(t, 'GET', '/moderation/reports', { token: dee.token }),
      401,
      'UNAUTHORIZED',
    );
    expectApiError(
      await api(t, 'GET', `/moderation/audit?roomId=${roomId}`, { token: dee.token }),
      401,
      'UNAUTHORIZED',
    );
    expectApiError(
      await api(t, 'POST', '/auth/login', { body: { email: dee.email, password: dee.password } }),
      401,
      'UNAUTHORIZED',
    );
    expect((await connectError(t.baseUrl, dee.token)).data?.code).toBe('UNAUTHORIZED');
  });

  test('a socket opened before its account was disabled can no longer moderate', async () => {
    // Disabled behind the API's back (as on an instance the disconnect never reached): the
    // socket stays open, and every action must check the account again.
    const roomId = await openRoom(t, admin, 'Stale socket room');
    const eli = await createFacilitator(t, admin, 'Eli Stale');
    await api(t, 'POST', `/facilitators/${eli.id}/assignments`, {
      token: admin,
      body: { roomId },
    });
    const elis = await joinAccount(t, pool, roomId, 'Eli', eli.token);
    expect(elis.join.self.role).toBe('facilitator');
    const target = await joinParticipant(t, pool, roomId, 'Target');
    await sql(t, 'UPDATE account SET disabled = true WHERE id = $1', [eli.id]);

    expectAckError(
      await emitAck(elis.socket, 'mod:mute', { roomId, memberId: target.memberId }),
      'FORBIDDEN',
    );
    expectAckError(
      await emitAck(elis.socket, 'room:update', { roomId, locked: true }),
      'FORBIDDEN',
    );
    const [member] = await sql<{ muted_until: unknown }>(
      t,
      'SELECT muted_until FROM room_member WHERE id = $1',
      [target.memberId],
    );
    expect(member?.muted_until).toBeNull();
    const [room] = await sql<{ locked: boolean }>(t, 'SELECT locked FROM room WHERE id = $1', [
      roomId,
    ]);
    expect(room?.locked).toBe(false);
    // The target is still in the room and may speak.
    expect(
      await emitAck(target.socket, 'message:send', {
        roomId,
        clientId: '6f1f7c1e-2a8b-4c57-9a53-5d2b1e0f9a11',
        body: 'still here',
      }),
    ).toMatchObject({ ok: true });
  });
});

describe('sign-in throttling per client address', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: MOD_ENV });
  });

  afterAll(async () => {
    await t.close();
  });

  test('successes never count; 20 failures from one address, then even a right password is 429', async () => {
    for (let i = 0; i < 25; i++) {
      expect(
        (
          await api(t, 'POST', '/auth/login', {
            body: { email: TEST_ADMIN.email, password: TEST_ADMIN.password },
          })
        ).status,
      ).toBe(200);
    }
    // Twenty failures over five unknown emails (four each: under the per-account limit).
    for (let i = 0; i < 20; i++) {
      expectApiError(
        await api(t, 'POST', '/auth/login', {
          body: { email: `guess-${i % 5}@example.org`, password: `guess-${i}` },
        }),
        401,
        'UNAUTHORIZED',
      );
    }
    expectApiError(
      await api(t, 'POST', '/auth/login', {
        body: { email: TEST_ADMIN.email, password: TEST_ADMIN.password },
      }),
      429,
      'RATE_LIMITED',
    );
  });
});

describe('the first admin is made once', () => {
  let database: TestDatabase;
  let t: TestApp | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await t?.close();
    await database.drop();
  });

  test('a later start with other ADMIN_* values creates no second admin', async () => {
    const first = await startTestApp({ env: ADMIN_ENV, databaseUrl: database.url });
    expect(await login(first)).toEqual(expect.any(String));
    await first.close();
    t = await startTestApp({
      env: { ADMIN_EMAIL: 'another-admin@example.org', ADMIN_PASSWORD: 'another-password-1' },
      databaseUrl: database.url,
    });
    expectApiError(
      await api(t, 'POST', '/auth/login', {
        body: { email: 'another-admin@example.org', password: 'another-password-1' },
      }),
      401,
      'UNAUTHORIZED',
    );
    expect((await login(t)).length).toBeGreaterThan(0);
    const admins = await sql<{ email: string }>(
      t,
      `SELECT email FROM account WHERE role = 'admin'`,
    );
    expect(admins).toEqual([{ email: TEST_ADMIN.email }]);
  });
});
