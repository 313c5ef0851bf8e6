import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN_ENV, api, login } from '../support/http.js';
import { connectSocket, emitAck, newParticipant, nextEvent } from '../support/sockets.js';

describe('facilitator tools: the basic journey', () => {
  let t: TestApp;
  let admin: string;
  let roomId: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: { ...ADMIN_ENV, ATTENDANCE_MIN_MINUTES: '1' } });
    admin = await login(t);
    const created = await api<{ id: string }>(t, 'POST', '/rooms', {
      token: admin,
      body: { name: 'Tuesday circle', opensAt: new Date(Date.now() - 60_000).toISOString() },
    });
    roomId = created.body.id;
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t.close();
  });

  async function participant(
    handle: string,
  ): Promise<{ socket: Socket; memberId: string; token: string }> {
    const { token } = await newParticipant(t);
    const socket = await connectSocket(t.baseUrl, token);
    sockets.push(socket);
    const joined = await emitAck<{ self: { memberId: string } }>(socket, 'room:join', {
      roomId,
      handle,
    });
    if (!joined.ok || joined.data === undefined) throw new Error(JSON.stringify(joined));
    return { socket, memberId: joined.data.self.memberId, token };
  }

  it('mutes, shares the floor, bans (and the ban holds), and records it all', async () => {
    const host = await connectSocket(t.baseUrl, admin);
    sockets.push(host);
    expect(await emitAck(host, 'room:join', { roomId, handle: 'Host' })).toMatchObject({
      ok: true,
    });
    const pat = await participant('Pat');

    // A participant may not moderate.
    expect(await emitAck(pat.socket, 'mod:mute', { roomId, memberId: pat.memberId })).toMatchObject(
      {
        ok: false,
        error: { code: 'FORBIDDEN' },
      },
    );

    const muted = nextEvent<{ action: string; until?: string }>(pat.socket, 'moderation');
    expect(
      await emitAck(host, 'mod:mute', {
        roomId,
        memberId: pat.memberId,
        minutes: 5,
        reason: 'cool down',
      }),
    ).toMatchObject({ ok: true });
    const mutedEvent = await muted;
    expect(mutedEvent.action).toBe('muted');
    expect(typeof mutedEvent.until).toBe('string');
    expect(
      await emitAck(pat.socket, 'message:send', { roomId, clientId: randomUUID(), body: 'hi' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'MUTED' },
    });
    expect(await emitAck(host, 'mod:unmute', { roomId, memberId: pat.memberId })).toMatchObject({
      ok: true,
    });

    expect(await emitAck(pat.socket, 'hand:raise', { roomId })).toMatchObject({
      ok: true,
      data: { position: 1 },
    });
    const next = await emitAck<{ floor: { memberId: string } | null; shareQueue: string[] }>(
      host,
      'share:next',
      { roomId },
    );
    expect(next.data?.floor?.memberId).toBe(pat.memberId);
    expect(next.data?.shareQueue).toEqual([]);

    const banned = nextEvent<{ action: string }>(pat.socket, 'moderation');
    expect(
      await emitAck(host, 'mod:ban', { roomId, memberId: pat.memberId, reason: 'spam' }),
    ).toMatchObject({ ok: true });
    expect(await banned).toMatchObject({ action: 'banned' });
    const again = await connectSocket(t.baseUrl, pat.token);
    sockets.push(again);
    expect(await emitAck(again, 'room:join', { roomId, handle: 'Pat' })).toMatchObject({
      ok: false,
      error: { code: 'BANNED' },
    });

    const audit = await api<{ items: { action: string }[] }>(
      t,
      'GET',
      `/moderation/audit?roomId=${roomId}`,
      { token: admin },
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((e) => e.action)).toEqual(['ban', 'share:next', 'unmute', 'mute']);
  });

  it('gives an attendance certificate that verifies, and a tampered one that does not', async () => {
    const sam = await participant('Sam');
    // Present for more than the minimum (one minute here): credit the time directly.
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: t.databaseUrl });
    await client.connect();
    await client.query(`UPDATE room_member SET present_seconds = 3600 WHERE id = $1`, [
      sam.memberId,
    ]);
    await client.end();

    const cert = await emitAck<{ code: string; minutesPresent: number; meetingName: string }>(
      sam.socket,
      'attendance:certificate',
      {
        roomId,
        nameOnCertificate: 'S. Example',
      },
    );
    expect(cert).toMatchObject({ ok: true, data: { meetingName: 'Tuesday circle' } });
    const code = cert.data?.code ?? '';
    const ok = await api<{ valid: boolean; nameOnCertificate?: string; minutesPresent?: number }>(
      t,
      'GET',
      `/attendance/verify/${code}`,
    );
    expect(ok.body).toMatchObject({ valid: true, nameOnCertificate: 'S. Example' });
    expect(ok.body.minutesPresent).toBeGreaterThanOrEqual(60);
    const tampered = code.replace(/^(.)/, (c) => (c === 'e' ? 'f' : 'e'));
    expect(
      (await api<{ valid: boolean }>(t, 'GET', `/attendance/verify/${tampered}`)).body,
    ).toEqual({ valid: false });
  });
});
