/**
 * Anonymity in the logs (issue 7, item 5). The whole-run audit lives in the Jest global teardown
 * (test/support/global-teardown.ts): every log line of every test file against every secret the
 * test helpers used. This file proves that audit can see what it is for (planted leaks are
 * found, ordinary lines pass), that the helpers really record what tests send, and then puts
 * unmistakable canaries through every path that could log them — REST and realtime, successes,
 * refusals and malformed input, in process and in the built service run as `npm start` runs it,
 * at debug level — and finds none of them in the logs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { auditRunDirectory, findLeaks, type RecordedSecret } from '../support/global-teardown.js';
import { api, login, TEST_ADMIN } from '../support/http.js';
import { capturedLogs } from '../support/logs.js';
import { createMeeting } from '../support/meetings.js';
import {
  CANARY_CLIENT_ADDRESS,
  CANARY_USER_AGENT,
  recordedSecrets,
  recordSecret,
} from '../support/run-record.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { connectSocket, emitAck, newParticipant } from '../support/sockets.js';
import { connectRaw } from '../rooms/room-fixtures.js';
import {
  ackData,
  joinAccount,
  joinParticipant,
  meetingRoom,
  MOD_ENV,
  sendOk,
  SocketPool,
  sql,
} from '../moderation/moderation-fixtures.js';

/** A canary: unmistakable, and long enough to be looked for anywhere in a line. */
function canary(kind: string): string {
  return `${kind}-canary-${randomBytes(6).toString('hex')}`;
}

const lines = (file: string, ...entries: object[]) =>
  entries.map((entry) => ({ file, line: JSON.stringify(entry) }));

describe('the run-wide log audit', () => {
  const token = randomBytes(32).toString('base64url');
  const secrets: RecordedSecret[] = [
    { kind: 'token', value: token },
    { kind: 'body', value: 'I relapsed last night and "nobody" knows\nyet' },
    { kind: 'handle', value: 'Ash' },
    { kind: 'name', value: 'Zed' },
  ];

  it('finds a token anywhere, a long body inside any text (escapes undone), a short handle as a whole value', () => {
    const leaks = findLeaks(
      [
        ...lines(
          'a.test.ts',
          { level: 'warn', msg: 'refresh failed', error: `unknown token ${token} (expired)` },
          {
            level: 'info',
            msg: 'x',
            detail: { why: 'I relapsed last night and "nobody" knows\nyet!' },
          },
          { level: 'info', msg: 'joined', who: 'Ash' },
          { level: 'info', msg: 'connected', ip: '203.0.113.9' },
        ),
        { file: 'b.test.ts', line: `Error: boom ${token}\n    at somewhere` },
      ],
      secrets,
    );
    expect(leaks.map((l) => [l.file, l.kind, l.field])).toEqual([
      ['a.test.ts', 'token', 'error'],
      ['a.test.ts', 'body', 'detail.why'],
      ['a.test.ts', 'handle', 'who'],
      ['a.test.ts', 'field name', 'ip'],
      ['b.test.ts', 'token', 'raw'],
    ]);
    // Reports never print a secret whole.
    expect(JSON.stringify(leaks)).not.toContain(token);
  });

  it('lets ordinary lines through: short secrets inside words, server fields, unrelated text', () => {
    expect(
      findLeaks(
        lines(
          'c.test.ts',
          { level: 'info', msg: 'password hash verified', context: 'Zed', hash: 'Ashes' },
          { level: 'info', msg: 'request completed', route: '/api/v1/rooms/:id', status: 200 },
          {
            level: 'debug',
            msg: 'RoomsModule dependencies initialized',
            context: 'InstanceLoader',
          },
        ),
        secrets,
      ),
    ).toEqual([]);
  });

  it('fails the run when a leak is found, keeping the records; removes them when all is clean', async () => {
    const dirty = await mkdtemp(join(tmpdir(), 'meetinghouse-audit-check-'));
    await writeFile(
      join(dirty, 'x.test.ts.1.0a1b2c3d.secrets.jsonl'),
      `${JSON.stringify(secrets[0])}\n`,
    );
    await writeFile(
      join(dirty, 'y.test.ts.2.0a1b2c3d.logs.jsonl'),
      `${JSON.stringify({ msg: 'oops', token })}\n`,
    );
    await expect(auditRunDirectory(dirty)).rejects.toThrow(
      /1 log lines from 1 test files checked against 1 secrets used \(token 1\): 2 leaks[\s\S]*y\.test\.ts: token/,
    );
    expect((await readdir(dirty)).length).toBe(2);
    await rm(dirty, { recursive: true, force: true });

    const clean = await mkdtemp(join(tmpdir(), 'meetinghouse-audit-check-'));
    await writeFile(
      join(clean, 'x.test.ts.1.0a1b2c3d.secrets.jsonl'),
      `${JSON.stringify(secrets[0])}\n`,
    );
    await writeFile(
      join(clean, 'x.test.ts.1.0a1b2c3d.logs.jsonl'),
      `${JSON.stringify({ msg: 'fine' })}\n`,
    );
    expect(await auditRunDirectory(clean)).toMatch(/: nothing leaked\.$/);
    await expect(readdir(clean)).rejects.toThrow(/ENOENT/);
  });
});

describe('canaries through every path that could log them', () => {
  let t: TestApp;
  let admin: string;
  const pool = new SocketPool();
  const canaries = {
    handle: canary('handle').slice(0, 24),
    body: canary('body'),
    crisis: `${canary('crisis')} I want to kill myself`,
    reason: canary('reason'),
    modReason: canary('modreason'),
    name: canary('name'),
    badToken: canary('badtoken'),
    password: canary('password'),
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { ...MOD_ENV, ATTENDANCE_MIN_MINUTES: '1' } });
    admin = await login(t);
  });

  afterAll(async () => {
    pool.closeAll();
    await t.close();
  });

  it('the helpers record what the tests send, so the run-wide audit has something to look for', async () => {
    const started = new Date(Date.now() - 10 * 60_000);
    const meeting = await createMeeting(t, admin, {
      name: 'Canary Meeting',
      fellowship: 'na',
      day: started.getUTCDay(),
      time: `${String(started.getUTCHours()).padStart(2, '0')}:${String(started.getUTCMinutes()).padStart(2, '0')}`,
      timezone: 'UTC',
      conference_url: 'https://zoom.us/j/555000444',
    });
    const roomId = await meetingRoom(t, admin, meeting.slug as string);
    const host = await joinAccount(t, pool, roomId, 'Host', admin);
    const person = await joinParticipant(t, pool, roomId, canaries.handle);
    const message = await sendOk(person.socket, roomId, canaries.body);
    await sendOk(person.socket, roomId, canaries.crisis);
    ackData(
      await emitAck(person.socket, 'message:report', {
        roomId,
        messageId: message.id,
        reason: canaries.reason,
      }),
    );
    ackData(
      await emitAck(host.socket, 'mod:mute', {
        roomId,
        memberId: person.memberId,
        minutes: 1,
        reason: canaries.modReason,
      }),
    );
    await sql(t, 'UPDATE room_member SET present_seconds = 3600 WHERE id = $1', [person.memberId]);
    ackData(
      await emitAck(person.socket, 'attendance:certificate', {
        roomId,
        nameOnCertificate: canaries.name,
      }),
    );
    await api(t, 'POST', '/auth/login', {
      body: { email: TEST_ADMIN.email, password: canaries.password },
    });

    const recorded = recordedSecrets();
    const has = (kind: string, value: string) =>
      recorded.some((s) => s.kind === kind && s.value === value);
    expect({
      handle: has('handle', canaries.handle),
      body: has('body', canaries.body),
      crisis: has('body', canaries.crisis),
      reason: has('reason', canaries.reason),
      modReason: has('reason', canaries.modReason),
      name: has('name', canaries.name),
      password: has('password', canaries.password),
      participantToken: has('token', person.token),
      accessToken: has('token', admin),
      clientAddress: has('client-address', CANARY_CLIENT_ADDRESS),
      userAgent: has('user-agent', CANARY_USER_AGENT),
    }).toEqual({
      handle: true,
      body: true,
      crisis: true,
      reason: true,
      modReason: true,
      name: true,
      password: true,
      participantToken: true,
      accessToken: true,
      clientAddress: true,
      userAgent: true,
    });
  });

  it('refusals and malformed input with canaries in them', async () => {
    recordSecret('token', canaries.badToken);
    const refused = await connectRaw(t.baseUrl, { token: canaries.badToken });
    expect(refused.error?.data?.code).toBe('UNAUTHORIZED');
    const badRefresh = await api(t, 'POST', '/participants/refresh', { token: canaries.badToken });
    expect(badRefresh.status).toBe(401);

    const participant = await newParticipant(t);
    const socket = pool.add(await connectSocket(t.baseUrl, participant.token));
    const roomId = (await api<{ items: { id: string }[] }>(t, 'GET', '/rooms')).body.items[0]!.id;
    const contactHandle = `${canary('mail')}@example.org`.slice(-24);
    const overlong = `${canaries.body} ${'x'.repeat(2100)}`;
    for (const [event, payload] of [
      ['room:join', { roomId, handle: contactHandle }],
      ['message:send', { roomId, clientId: 'not-a-uuid', body: canaries.body }],
      ['message:send', { roomId, clientId: crypto.randomUUID(), body: overlong }],
      ['no:such:event', { body: canaries.body, handle: canaries.handle }],
      ['message:send', `${canaries.body} as a bare string`],
      ['room:join', [canaries.handle]],
    ] as const) {
      recordSecret('body', typeof payload === 'string' ? payload : undefined);
      const reply = await emitAck(socket, event, payload);
      expect({ event, ok: reply.ok }).toEqual({ event, ok: false });
    }
  });

  it('none of them is in any log line this file’s app wrote, at debug level', () => {
    expect(capturedLogs.length).toBeGreaterThan(50);
    expect(capturedLogs.some((l) => l.includes('"level":"debug"'))).toBe(true);
    const leaks = findLeaks(
      capturedLogs.map((line) => ({ file: 'log-anonymity.test.ts', line })),
      recordedSecrets(),
    );
    expect(leaks).toEqual([]);
  });
});

describe('the built service, logging as in production', () => {
  let database: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    if (service !== undefined && service.child.exitCode === null) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    await database.drop();
  });

  it('logs none of what a participant and a facilitator sent', async () => {
    service = await startService({
      DATABASE_URL: database.url,
      LOG_LEVEL: 'debug',
      ...MOD_ENV,
    });
    const app = { baseUrl: `http://127.0.0.1:${service.port}` } as TestApp;
    const admin = await login(app);
    const room = await api<{ id: string }>(app, 'POST', '/rooms', {
      token: admin,
      body: { name: 'Child process room', opensAt: new Date(Date.now() - 60_000).toISOString() },
    });
    const pool = new SocketPool();
    try {
      const handle = canary('child').slice(0, 24);
      const person = await joinParticipant(app, pool, room.body.id, handle);
      await sendOk(person.socket, room.body.id, canary('childbody'));
      await api(app, 'POST', '/auth/login', {
        body: { email: TEST_ADMIN.email, password: canary('childpassword') },
      });
    } finally {
      pool.closeAll();
    }
    service.child.kill('SIGTERM');
    await service.exited;
    const requests = service.logs.filter((l) => l.msg === 'request completed');
    expect(requests.length).toBeGreaterThan(3);
    const leaks = findLeaks(
      [
        ...service.logs.map((entry) => ({ file: 'child', line: JSON.stringify(entry) })),
        { file: 'child stderr', line: service.stderr },
      ],
      recordedSecrets(),
    );
    expect(leaks).toEqual([]);
  });
});
