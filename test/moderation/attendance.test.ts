/**
 * End-to-end: attendance certificates (CONTRACT.md §3, attendance:certificate and
 * GET /attendance/verify/:code). Presence is measured by the server (credited here in the
 * database to stand in for time spent), certificates are Ed25519-signed, reveal no identity,
 * and the optional name on them is neither stored nor shown to anyone else.
 */
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { api, login } from '../support/http.js';
import { capturedLogs } from '../support/logs.js';
import { createMeeting } from '../support/meetings.js';
import { emitAck, newParticipant, type AckReply } from '../support/sockets.js';
import {
  ackData,
  joinAccount,
  joinParticipant,
  meetingRoom,
  MOD_ENV,
  recordAll,
  SocketPool,
  sql,
  type Person,
} from './moderation-fixtures.js';

interface Certificate {
  code: string;
  verifyUrl: string;
  meetingName: string;
  fellowship: string | null;
  startedAt: string;
  minutesPresent: number;
}

interface Verification {
  valid: boolean;
  meetingName?: string;
  fellowship?: string | null;
  startedAt?: string;
  minutesPresent?: number;
  nameOnCertificate?: string;
}

const ENV = { ...MOD_ENV, ATTENDANCE_MIN_MINUTES: '1' };
const NAME = 'Zebulon Q. Certifiable';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The same string with the character at `i` replaced by its base64url neighbour (lowest bit flipped). */
function flipAt(text: string, i: number): string {
  const index = BASE64URL.indexOf(text.charAt(i));
  const replacement = BASE64URL.charAt(index ^ 1);
  return text.slice(0, i) + replacement + text.slice(i + 1);
}

function hhmm(date: Date): string {
  return `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`;
}

describe('attendance certificates', () => {
  let database: TestDatabase;
  let t: TestApp;
  let admin: string;
  const pool = new SocketPool();
  let roomId: string;
  let meeting: Record<string, unknown>;
  let fellowshipName: string;
  let sam: Person;
  let onlooker: Person;
  let host: Awaited<ReturnType<typeof joinAccount>>;
  let withName: Certificate;
  let withoutName: Certificate;
  const extraApps: TestApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await startTestApp({ env: ENV, databaseUrl: database.url });
    admin = await login(t);
    // A meeting that started ten minutes ago (UTC), so the room's sitting is the current one.
    const started = new Date(Date.now() - 10 * 60_000);
    meeting = await createMeeting(t, admin, {
      name: 'Evening Serenity Online',
      fellowship: 'na',
      day: started.getUTCDay(),
      time: hhmm(started),
      timezone: 'UTC',
      conference_url: 'https://zoom.us/j/555000111',
      group: 'Serenity Group',
    });
    expect(meeting.inProgress).toBe(true);
    roomId = await meetingRoom(t, admin, meeting.slug as string, 'Serenity room');
    const fellowships = await api<{ slug: string; name: string }[]>(t, 'GET', '/fellowships');
    fellowshipName = fellowships.body.find((f) => f.slug === 'na')?.name ?? 'missing';
    host = await joinAccount(t, pool, roomId, 'Host', admin);
    sam = await joinParticipant(t, pool, roomId, 'Sam');
    onlooker = await joinParticipant(t, pool, roomId, 'Onlooker');
  });

  afterAll(async () => {
    pool.closeAll();
    for (const app of new Set([t, ...extraApps])) await app.close();
    await database.drop();
  });

  async function verify(app: TestApp, code: string): Promise<Verification> {
    const res = await api<Verification>(
      app,
      'GET',
      `/attendance/verify/${encodeURIComponent(code)}`,
    );
    expect(res.status).toBe(200);
    return res.body;
  }

  test('refused before ATTENDANCE_MIN_MINUTES of presence, and outside the room', async () => {
    const reply: AckReply = await emitAck(sam.socket, 'attendance:certificate', { roomId });
    expect(reply.ok).toBe(false);
    expect(reply.error).toEqual({
      code: 'FORBIDDEN',
      message: expect.stringMatching(
        /^A certificate needs \d+ minutes in the room; you have been here \d+ minutes?$/,
      ) as string,
    });
    expect(JSON.stringify(reply)).not.toMatch(/"code":"[A-Za-z0-9_-]{20,}\./);

    const stranger = await pool.connect(t, admin);
    const outside = await emitAck(stranger, 'attendance:certificate', { roomId });
    expect(outside).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });
  });

  test('after enough time: a certificate with the meeting, its fellowship, when it started and the minutes present', async () => {
    // An hour and a half in the room.
    await sql(t, 'UPDATE room_member SET present_seconds = 5400 WHERE id = $1', [sam.memberId]);
    const othersSee = [recordAll(onlooker.socket), recordAll(host.socket)];

    withName = ackData(
      await emitAck<Certificate>(sam.socket, 'attendance:certificate', {
        roomId,
        nameOnCertificate: NAME,
      }),
    );
    expect(withName).toEqual({
      code: expect.stringMatching(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/) as string,
      verifyUrl: expect.stringContaining(`/attendance/verify/${withName.code}`) as string,
      meetingName: 'Evening Serenity Online',
      fellowship: fellowshipName,
      startedAt: meeting.nextStart,
      minutesPresent: expect.any(Number) as number,
    });
    expect(withName.minutesPresent).toBeGreaterThanOrEqual(90);
    expect(withName.minutesPresent).toBeLessThan(95);

    withoutName = ackData(
      await emitAck<Certificate>(sam.socket, 'attendance:certificate', { roomId }),
    );
    expect(withoutName.code).not.toBe(withName.code);

    // A round trip on the others' sockets, then: nothing about the certificate reached them.
    await emitAck(onlooker.socket, 'room:sync', { roomId, afterSeq: 0 });
    await emitAck(host.socket, 'room:sync', { roomId, afterSeq: 0 });
    for (const seen of othersSee) {
      const text = JSON.stringify(seen);
      expect(text).not.toContain(NAME);
      expect(text).not.toContain(withName.code.split('.')[0]);
    }
  });

  test('the certificate carries no identity: no member, participant, room, handle or token', () => {
    const payload = Buffer.from(withName.code.split('.')[0] ?? '', 'base64url').toString('utf8');
    const parsed = JSON.parse(payload) as Record<string, unknown>;
    expect(Object.values(parsed)).toEqual(
      expect.arrayContaining(['Evening Serenity Online', NAME, fellowshipName]),
    );
    for (const secret of [sam.memberId, sam.participantId, sam.token, roomId, 'Sam"'])
      expect(payload).not.toContain(secret);
    const bare = Buffer.from(withoutName.code.split('.')[0] ?? '', 'base64url').toString('utf8');
    expect(bare).not.toContain(NAME);
  });

  test('verify: a genuine code is valid, with what the certificate says', async () => {
    expect(await verify(t, withName.code)).toMatchObject({
      valid: true,
      meetingName: 'Evening Serenity Online',
      fellowship: fellowshipName,
      startedAt: withName.startedAt,
      minutesPresent: withName.minutesPresent,
      nameOnCertificate: NAME,
    });
    const bare = await verify(t, withoutName.code);
    expect(bare).toMatchObject({
      valid: true,
      meetingName: 'Evening Serenity Online',
      minutesPresent: withoutName.minutesPresent,
    });
    expect(bare).not.toHaveProperty('nameOnCertificate');
    // verifyUrl is that same check.
    const path = new URL(withName.verifyUrl, t.baseUrl).pathname;
    const viaUrl = await fetch(`${t.baseUrl}${path}`);
    expect(((await viaUrl.json()) as Verification).valid).toBe(true);
  });

  test('any one character changed in the payload makes the code invalid', async () => {
    const [payload, signature] = withName.code.split('.') as [string, string];
    const accepted: number[] = [];
    for (let i = 0; i < payload.length; i++) {
      const result = await verify(t, `${flipAt(payload, i)}.${signature}`);
      if (result.valid) accepted.push(i);
      else expect(result).toEqual({ valid: false });
    }
    expect(accepted).toEqual([]);
  });

  test('any one character changed in the signature makes the code invalid', async () => {
    const [payload, signature] = withName.code.split('.') as [string, string];
    const accepted: number[] = [];
    for (let i = 0; i < signature.length; i++) {
      const result = await verify(t, `${payload}.${flipAt(signature, i)}`);
      if (result.valid) accepted.push(i);
      else expect(result).toEqual({ valid: false });
    }
    expect(accepted).toEqual([]);
  });

  test('payloads swapped between two codes, a forged payload and garbage are all { valid: false }', async () => {
    const [p1, s1] = withName.code.split('.') as [string, string];
    const [p2, s2] = withoutName.code.split('.') as [string, string];
    expect(await verify(t, `${p1}.${s2}`)).toEqual({ valid: false });
    expect(await verify(t, `${p2}.${s1}`)).toEqual({ valid: false });

    const forged = JSON.parse(Buffer.from(p1, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    for (const key of Object.keys(forged))
      if (forged[key] === withName.minutesPresent) forged[key] = 600;
    const forgedPayload = Buffer.from(JSON.stringify(forged)).toString('base64url');
    expect(forgedPayload).not.toBe(p1);
    expect(await verify(t, `${forgedPayload}.${s1}`)).toEqual({ valid: false });

    for (const garbage of [
      'garbage',
      'a.b',
      `${p1}.`,
      `.${s1}`,
      p1,
      `${p1}.${s1}.${s1}`,
      `${p1}.${s1}x`,
      'x'.repeat(5000),
      `${Buffer.from('{"v":1}').toString('base64url')}.${'A'.repeat(86)}`,
      '%E2%9C%93',
    ]) {
      expect(await verify(t, garbage)).toEqual({ valid: false });
    }
  });

  test('someone still waiting for admission gets no certificate', async () => {
    ackData(await emitAck(host.socket, 'room:update', { roomId, waitingRoom: true }));
    try {
      const who = await newParticipant(t);
      const socket = await pool.connect(t, who.token);
      const waiting = await emitAck(socket, 'room:join', { roomId, handle: 'Waiting Wes' });
      expect(waiting.error?.code).toBe('WAITING_FOR_ADMISSION');
      await sql(
        t,
        `UPDATE room_member SET present_seconds = 7200 WHERE room_id = $1 AND handle = 'Waiting Wes'`,
        [roomId],
      );
      const reply = await emitAck(socket, 'attendance:certificate', { roomId });
      expect(reply.ok).toBe(false);
      expect(['NOT_IN_ROOM', 'WAITING_FOR_ADMISSION']).toContain(reply.error?.code);
    } finally {
      ackData(await emitAck(host.socket, 'room:update', { roomId, waitingRoom: false }));
    }
  });

  test('nameOnCertificate must be printable text of 1 to 80 characters', async () => {
    for (const nameOnCertificate of ['', 'x'.repeat(81), 'Sam\u0000Smith', 42]) {
      expect(
        await emitAck(sam.socket, 'attendance:certificate', { roomId, nameOnCertificate }),
      ).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
  });

  test('the name is stored nowhere in the database and appears in no log line', async () => {
    const hex = Buffer.from(NAME).toString('hex');
    const tables = await sql<{ table_name: string }>(
      t,
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    expect(tables.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['room_member', 'message', 'moderation_audit', 'signing_key']),
    );
    const found: string[] = [];
    for (const { table_name } of tables) {
      const rows = await sql<{ n: number }>(
        t,
        `SELECT count(*)::int AS n FROM "${table_name}" AS x
         WHERE x::text ILIKE '%' || $1 || '%' OR x::text ILIKE '%' || $2 || '%'
            OR x::text ILIKE '%' || $3 || '%'`,
        [NAME, hex, withName.code.split('.')[0]],
      );
      if ((rows[0]?.n ?? 0) > 0) found.push(table_name);
    }
    expect(found).toEqual([]);
    expect(capturedLogs.filter((line) => line.includes(NAME))).toEqual([]);
  });

  test('after a restart on the same database the same key verifies old codes; another database’s key does not', async () => {
    pool.closeAll();
    await t.close();
    const again = await startTestApp({ env: ENV, databaseUrl: database.url });
    t = again;
    expect(await verify(again, withName.code)).toMatchObject({
      valid: true,
      nameOnCertificate: NAME,
    });
    // And it signs with that key too: a new certificate made now verifies.
    const newcomer = await joinParticipant(t, pool, roomId, 'Late Sam');
    await sql(t, 'UPDATE room_member SET present_seconds = 3600 WHERE id = $1', [
      newcomer.memberId,
    ]);
    const fresh = ackData(
      await emitAck<Certificate>(newcomer.socket, 'attendance:certificate', { roomId }),
    );
    expect((await verify(again, fresh.code)).valid).toBe(true);

    const elsewhere = await startTestApp({ env: ENV });
    extraApps.push(elsewhere);
    expect(await verify(elsewhere, withName.code)).toEqual({ valid: false });
    expect(await verify(elsewhere, fresh.code)).toEqual({ valid: false });
  });
});
