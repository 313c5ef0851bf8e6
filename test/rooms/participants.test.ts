/**
 * End-to-end: anonymous participants (CONTRACT.md §1) and the /rooms handshake (§3) against the
 * real service and PostgreSQL: issuance, refresh, the issuance rate limit, what is (not) stored,
 * and which tokens may connect.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Socket } from 'socket.io-client';
import { DEV_JWT_SECRET } from '../../src/config/config.js';
import { AccountsService } from '../../src/facilitators/accounts.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, login } from '../support/http.js';
import { connectSocket, emitAck, newParticipant, type Participant } from '../support/sockets.js';
import {
  connectRaw,
  createRoom,
  ISO_INSTANT,
  joinAs,
  ROOMS_ENV,
  sendOk,
  SocketJar,
  sql,
  UUID,
  type JoinAck,
} from './room-fixtures.js';

interface ErrorBody {
  error: { code: string; message: string };
}

const HOUR = 3_600_000;

describe('participants: anonymous identities', () => {
  let t: TestApp;
  const jar = new SocketJar();

  beforeAll(async () => {
    t = await startTestApp({ env: ROOMS_ENV });
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  test('POST /participants → 201 { participantId, token, expiresAt } and nothing else', async () => {
    const before = Date.now();
    const res = await api<Participant>(t, 'POST', '/participants');
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'participantId', 'token']);
    expect(res.body.participantId).toMatch(UUID);
    expect(typeof res.body.token).toBe('string');
    expect(res.body.token.length).toBeGreaterThanOrEqual(32);
    expect(res.body.expiresAt).toMatch(ISO_INSTANT);
    const expiresAt = Date.parse(res.body.expiresAt);
    // 72 hours by default (PARTICIPANT_TOKEN_TTL_HOURS).
    expect(expiresAt).toBeGreaterThan(before + 71 * HOUR);
    expect(expiresAt).toBeLessThan(Date.now() + 73 * HOUR);
  });

  test('each call gives a new, unrelated identity', async () => {
    const a = await newParticipant(t);
    const b = await newParticipant(t);
    expect(a.participantId).not.toBe(b.participantId);
    expect(a.token).not.toBe(b.token);
  });

  test('POST /participants ignores a body: nothing sent is stored', async () => {
    const res = await api<Participant>(t, 'POST', '/participants', {
      body: { name: 'Jane Doe', email: 'jane@example.org', phone: '555-123-4567' },
    });
    // Either refused as unexpected input or issued without storing any of it.
    if (res.status === 201) {
      const dump = await sql<{ row: string }>(
        t.databaseUrl,
        `SELECT row_to_json(p)::text AS row FROM participant p WHERE id = $1`,
        [res.body.participantId],
      );
      expect(dump).toHaveLength(1);
      expect(dump[0]?.row).not.toMatch(/Jane|jane@example|555-123-4567/);
    } else {
      expect(res.status).toBe(400);
      expect((res.body as unknown as ErrorBody).error.code).toBe('VALIDATION_FAILED');
    }
  });

  test('refresh extends expiresAt for the same participant and token', async () => {
    const p = await newParticipant(t);
    // Pretend the token is about to run out.
    await sql(
      t.databaseUrl,
      `UPDATE participant SET expires_at = now() + interval '1 hour' WHERE id = $1`,
      [p.participantId],
    );
    const res = await api<Participant>(t, 'POST', '/participants/refresh', { token: p.token });
    expect(res.status).toBe(200);
    expect(res.body.participantId).toBe(p.participantId);
    expect(res.body.token).toBe(p.token);
    expect(res.body.expiresAt).toMatch(ISO_INSTANT);
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now() + 71 * HOUR);
    const stored = await sql<{ expires_at: Date }>(
      t.databaseUrl,
      `SELECT expires_at FROM participant WHERE id = $1`,
      [p.participantId],
    );
    expect(stored[0]?.expires_at.getTime()).toBeGreaterThan(Date.now() + 71 * HOUR);
    // The refreshed token still opens a socket.
    const socket = jar.add(await connectSocket(t.baseUrl, p.token));
    expect(socket.connected).toBe(true);
  });

  test.each([
    ['no Authorization header', undefined],
    ['a garbage token', 'garbage'],
    ['a well-formed token nobody was given', randomBytes(32).toString('base64url')],
    ['a JWT-looking token', 'aaa.bbb.ccc'],
  ])('refresh with %s → 401 UNAUTHORIZED', async (_label, token) => {
    const res = await api<ErrorBody>(t, 'POST', '/participants/refresh', {
      ...(token === undefined ? {} : { token }),
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
    expect(typeof res.body.error.message).toBe('string');
  });

  test('refresh of an expired token → 401 (an expired token cannot be revived)', async () => {
    const p = await newParticipant(t);
    await sql(
      t.databaseUrl,
      `UPDATE participant SET expires_at = now() - interval '1 minute' WHERE id = $1`,
      [p.participantId],
    );
    const res = await api<ErrorBody>(t, 'POST', '/participants/refresh', { token: p.token });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  test('the participant table has no column for IP, user agent, name, email or phone', async () => {
    const columns = await sql<{ column_name: string }>(
      t.databaseUrl,
      `SELECT column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = 'participant' ORDER BY column_name`,
    );
    const names = columns.map((c) => c.column_name);
    expect(names).toContain('token_hash');
    const forbidden = new Set([
      'ip',
      'addr',
      'address',
      'remote',
      'agent',
      'ua',
      'name',
      'email',
      'mail',
      'phone',
      'handle',
      'fingerprint',
      'device',
    ]);
    for (const name of names) {
      const parts = name.toLowerCase().split('_');
      expect(parts.filter((part) => forbidden.has(part))).toEqual([]);
    }
    // Nor does any other table keep connection details.
    const anywhere = await sql<{ table_name: string; column_name: string }>(
      t.databaseUrl,
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public'
         AND (column_name ~* '(^|_)(ip|ip_address|remote_addr|user_agent|useragent|client_address)(_|$)')`,
    );
    expect(anywhere).toEqual([]);
  });

  test('the token is stored only hashed: the plain token appears nowhere in the database', async () => {
    const p = await newParticipant(t);
    // Use it everywhere a token can go: REST refresh, socket handshake, a room, a message.
    expect((await api(t, 'POST', '/participants/refresh', { token: p.token })).status).toBe(200);
    const admin = await login(t);
    const room = await createRoom(t, admin);
    const joined = await joinAs(t, jar, room.id, 'Quiet', { participant: p });
    await sendOk(joined.socket, room.id, 'first time here');

    const rows = await sql<{ id: string; token_hash: string }>(
      t.databaseUrl,
      `SELECT id, token_hash FROM participant WHERE id = $1`,
      [p.participantId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).not.toBe(p.token);
    expect(rows[0]?.token_hash.trim()).toBe(createHash('sha256').update(p.token).digest('hex'));

    const tables = await sql<{ table_name: string }>(
      t.databaseUrl,
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.length).toBeGreaterThan(5);
    for (const { table_name } of tables) {
      const found = await sql<{ n: number }>(
        t.databaseUrl,
        `SELECT count(*)::int AS n FROM "${table_name}" x WHERE strpos(row_to_json(x)::text, $1) > 0`,
        [p.token],
      );
      expect({ table: table_name, rowsWithToken: found[0]?.n }).toEqual({
        table: table_name,
        rowsWithToken: 0,
      });
    }
  });
});

describe('participants: issuance rate limit per client address', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { PARTICIPANT_ISSUE_PER_MINUTE: '3' } });
  });

  afterAll(async () => {
    await t.close();
  });

  test('PARTICIPANT_ISSUE_PER_MINUTE=3: three are issued, the 4th gets 429 RATE_LIMITED', async () => {
    const issued: Participant[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api<Participant>(t, 'POST', '/participants');
      expect(res.status).toBe(201);
      issued.push(res.body);
    }
    const fourth = await api<ErrorBody>(t, 'POST', '/participants');
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.code).toBe('RATE_LIMITED');
    expect(typeof fourth.body.error.message).toBe('string');

    // A forged X-Forwarded-For is not another client address (trust proxy is off).
    const forged = await api<ErrorBody>(t, 'POST', '/participants', {
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    expect(forged.status).toBe(429);

    // Nothing was stored for the refused requests.
    const count = await sql<{ n: number }>(
      t.databaseUrl,
      `SELECT count(*)::int AS n FROM participant`,
    );
    expect(count[0]?.n).toBe(3);

    // Refreshing an identity already held is not issuance: still allowed.
    const refreshed = await api<Participant>(t, 'POST', '/participants/refresh', {
      token: issued[0]?.token as string,
    });
    expect(refreshed.status).toBe(200);
  });
});

describe('rooms handshake: who may connect', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  let roomId: string;
  const jar = new SocketJar();

  beforeAll(async () => {
    t = await startTestApp({ env: ROOMS_ENV });
    admin = await login(t);
    const me = await sql<{ id: string }>(
      t.databaseUrl,
      `SELECT id FROM account WHERE role = 'admin'`,
    );
    adminId = me[0]?.id as string;
    roomId = (await createRoom(t, admin)).id;
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  async function expectUnauthorized(auth: Record<string, unknown>): Promise<void> {
    const { socket, error } = await connectRaw(t.baseUrl, auth);
    jar.add(socket);
    expect(error).toBeDefined();
    expect(error?.data).toEqual({ code: 'UNAUTHORIZED', message: expect.any(String) as string });
    expect(socket.connected).toBe(false);
  }

  function jwt(key: string, claims: { sub: string; exp?: number }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer('meetinghouse')
      .setAudience('meetinghouse:facilitator')
      .setIssuedAt(now - 10)
      .setExpirationTime(claims.exp ?? now + 600)
      .sign(new TextEncoder().encode(key));
  }

  test('no token → connect_error UNAUTHORIZED', async () => {
    await expectUnauthorized({});
  });

  test('an empty, garbage or non-string token → connect_error UNAUTHORIZED', async () => {
    await expectUnauthorized({ token: '' });
    await expectUnauthorized({ token: 'garbage' });
    await expectUnauthorized({ token: randomBytes(32).toString('base64url') });
    await expectUnauthorized({ token: 42 });
    await expectUnauthorized({ token: { $ne: null } });
    await expectUnauthorized({ token: 'x'.repeat(100_000) });
  });

  test('an expired participant token → connect_error UNAUTHORIZED', async () => {
    const p = await newParticipant(t);
    await sql(
      t.databaseUrl,
      `UPDATE participant SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [p.participantId],
    );
    await expectUnauthorized({ token: p.token });
  });

  test('a facilitator JWT signed with another key → connect_error UNAUTHORIZED', async () => {
    await expectUnauthorized({
      token: await jwt('some-other-secret-of-32-characters!!', { sub: adminId }),
    });
  });

  test('an expired facilitator JWT (right key) → connect_error UNAUTHORIZED', async () => {
    // The test app runs with the development secret (no JWT_SECRET in its env).
    const now = Math.floor(Date.now() / 1000);
    const valid = await jwt(DEV_JWT_SECRET, { sub: adminId });
    // Sanity: the same construction with a live expiry does connect.
    jar.add(await connectSocket(t.baseUrl, valid));
    await expectUnauthorized({ token: await jwt(DEV_JWT_SECRET, { sub: adminId, exp: now - 60 }) });
  });

  test('an access token of a disabled facilitator → connect_error UNAUTHORIZED', async () => {
    const email = `disabled-${randomUUID().slice(0, 8)}@example.org`;
    await t.app.get(AccountsService).create({
      email,
      displayName: 'Soon disabled',
      password: 'facilitator-password-1',
      role: 'facilitator',
    });
    const token = await login(t, email, 'facilitator-password-1');
    jar.add(await connectSocket(t.baseUrl, token));
    await sql(t.databaseUrl, `UPDATE account SET disabled = true WHERE email = $1`, [email]);
    await expectUnauthorized({ token });
  });

  test('a valid participant token connects and joins as a participant', async () => {
    const p = await newParticipant(t);
    const socket: Socket = jar.add(await connectSocket(t.baseUrl, p.token));
    expect(socket.connected).toBe(true);
    const joined = await emitAck<JoinAck>(socket, 'room:join', { roomId, handle: 'Dawn' });
    expect(joined.ok).toBe(true);
    expect(joined.data?.self.role).toBe('participant');
  });

  test('a valid facilitator (admin) login token connects and joins as a facilitator', async () => {
    const socket = jar.add(await connectSocket(t.baseUrl, admin));
    expect(socket.connected).toBe(true);
    const joined = await emitAck<JoinAck>(socket, 'room:join', {
      roomId,
      handle: 'Facilitator Jo',
    });
    expect(joined.ok).toBe(true);
    expect(joined.data?.self).toMatchObject({ handle: 'Facilitator Jo', role: 'facilitator' });
  });

  test('refused handshakes leave the server answering', async () => {
    for (let i = 0; i < 5; i++) await expectUnauthorized({ token: `bad-${i}` });
    const socket = jar.add(await connectSocket(t.baseUrl, (await newParticipant(t)).token));
    expect(socket.connected).toBe(true);
  });
});
