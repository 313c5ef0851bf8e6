import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN_ENV, api, login } from '../support/http.js';
import { connectSocket, emitAck, newParticipant, nextEvent } from '../support/sockets.js';

describe('rooms: the basic participant journey', () => {
  let t: TestApp;
  let roomId: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    const admin = await login(t);
    const created = await api<{ id: string; status: string }>(t, 'POST', '/rooms', {
      token: admin,
      body: { name: 'Evening circle', opensAt: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('open');
    roomId = created.body.id;
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t.close();
  });

  it('joins, sends, and the other member receives the message', async () => {
    const alice = await connectSocket(t.baseUrl, (await newParticipant(t)).token);
    const bob = await connectSocket(t.baseUrl, (await newParticipant(t)).token);
    sockets.push(alice, bob);
    const a = await emitAck<{ self: { memberId: string } }>(alice, 'room:join', {
      roomId,
      handle: 'Alice',
    });
    expect(a.ok).toBe(true);
    const b = await emitAck(bob, 'room:join', { roomId, handle: 'Bob' });
    expect(b.ok).toBe(true);

    const received = nextEvent<{ body: string; seq: number; author: { handle: string } }>(
      bob,
      'message:new',
    );
    const sent = await emitAck<{ seq: number; body: string; redactions: string[] }>(
      alice,
      'message:send',
      {
        roomId,
        clientId: randomUUID(),
        body: 'hello, call me at 555-123-4567',
      },
    );
    expect(sent).toMatchObject({ ok: true, data: { seq: 1, redactions: ['phone'] } });
    expect(sent.data?.body).not.toContain('555');
    const message = await received;
    expect(message).toMatchObject({ seq: 1, author: { handle: 'Alice' } });
    expect(message.body).toBe(sent.data?.body);
  });

  it('keeps @mentions of people in the room while removing contact details', async () => {
    const dana = await connectSocket(t.baseUrl, (await newParticipant(t)).token);
    sockets.push(dana);
    expect(await emitAck(dana, 'room:join', { roomId, handle: 'Dana' })).toMatchObject({
      ok: true,
    });
    const sent = await emitAck<{ body: string; redactions: string[] }>(dana, 'message:send', {
      roomId,
      clientId: randomUUID(),
      body: '@Alice thank you! write me at dana@example.com, @stranger',
    });
    expect(sent.data?.body).toBe('@Alice thank you! write me at [email removed], [handle removed]');
    expect(sent.data?.redactions).toEqual(['email', 'handle']);
  });

  it('answers a malformed event with VALIDATION_FAILED and keeps the connection', async () => {
    const carol = await connectSocket(t.baseUrl, (await newParticipant(t)).token);
    sockets.push(carol);
    expect(await emitAck(carol, 'room:join', 'not an object')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(
      await emitAck(carol, 'message:send', { roomId, clientId: randomUUID(), body: 'x' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_IN_ROOM' },
    });
    expect(await emitAck(carol, 'no:such:event', {})).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(carol.connected).toBe(true);
  });

  it('refuses a connection without a valid token', async () => {
    await expect(connectSocket(t.baseUrl, 'nonsense')).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
  });
});
