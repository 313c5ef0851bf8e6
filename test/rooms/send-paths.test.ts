/**
 * A send usually takes one round trip (RoomSessionsService.sendQuickly: the member's checks and
 * the store in one statement) and falls back to the careful way for everything else. Whichever
 * way it goes, the answers are the contract's: every refusal with its code, a retry answered
 * with the first message, no seq taken by a refused send, no rate-limit token used up by one,
 * @mentions of members kept.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../support/app.js';
import { login } from '../support/http.js';
import { collect, connectSocket, emitAck } from '../support/sockets.js';
import {
  barrier,
  createRoom,
  expectFailure,
  joinAs,
  range,
  ROOMS_ENV,
  send,
  sendOk,
  SocketJar,
  withoutRedactions,
  type MessageView,
} from './room-fixtures.js';

const BURST = 5;

describe('sending, the quick way and the careful way', () => {
  let t: TestApp;
  let admin: string;
  const jar = new SocketJar();

  beforeAll(async () => {
    t = await startTestApp({
      env: { ...ROOMS_ENV, MESSAGE_BURST: String(BURST), MESSAGES_PER_MINUTE: '1' },
    });
    admin = await login(t);
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  async function roomWithHost(): Promise<{ roomId: string; host: Socket }> {
    const room = await createRoom(t, admin);
    const host = jar.add(await connectSocket(t.baseUrl, admin));
    const joined = await emitAck(host, 'room:join', { roomId: room.id, handle: 'Host' });
    if (!joined.ok) throw new Error(JSON.stringify(joined.error));
    return { roomId: room.id, host };
  }

  async function mod(host: Socket, event: string, payload: object): Promise<void> {
    const reply = await emitAck(host, event, payload);
    if (!reply.ok) throw new Error(`${event}: ${JSON.stringify(reply.error)}`);
  }

  test('a retry with the same clientId gets the first message, and nobody sees it twice', async () => {
    const { roomId, host } = await roomWithHost();
    const ash = await joinAs(t, jar, roomId, 'Ash');
    const seen = collect<MessageView>(host, 'message:new');
    const clientId = randomUUID();
    const first = await sendOk(ash.socket, roomId, 'only once', clientId);
    const again = await sendOk(ash.socket, roomId, 'only once', clientId);
    expect(withoutRedactions(again)).toEqual(withoutRedactions(first));
    await barrier(ash.socket, roomId, [host]);
    expect(seen.map((m) => m.seq)).toEqual([first.seq, first.seq + 1]);
  });

  test('muted, slowed, kicked, closed: each refused with its code, without taking a seq or a token', async () => {
    const { roomId, host } = await roomWithHost();
    const ash = await joinAs(t, jar, roomId, 'Ash');
    const birch = await joinAs(t, jar, roomId, 'Birch');
    const one = await sendOk(ash.socket, roomId, 'one');

    await mod(host, 'mod:mute', { roomId, memberId: ash.self.memberId });
    for (let i = 0; i < BURST + 2; i++)
      expectFailure(await send(ash.socket, roomId, `muted ${i}`), 'MUTED');
    await mod(host, 'mod:unmute', { roomId, memberId: ash.self.memberId });
    // The refused sends used none of the burst (BURST - 1 left after "one"), nor any seq.
    const after = [];
    for (let i = 0; i < BURST - 1; i++) after.push(await sendOk(ash.socket, roomId, `after ${i}`));
    expect(after.map((m) => m.seq)).toEqual(range(one.seq + 1, one.seq + BURST - 1));
    expectFailure(await send(ash.socket, roomId, 'one too many'), 'RATE_LIMITED');

    await mod(host, 'room:update', { roomId, slowModeSeconds: 60 });
    const slow = await sendOk(birch.socket, roomId, 'first under slow mode');
    expectFailure(await send(birch.socket, roomId, 'second too soon'), 'SLOW_MODE');
    // Facilitators are not slowed.
    const hostSays = await sendOk(host, roomId, 'from the host');
    const hostAgain = await sendOk(host, roomId, 'from the host again');
    expect([slow.seq, hostSays.seq, hostAgain.seq]).toEqual(range(slow.seq, slow.seq + 2));

    await mod(host, 'mod:kick', { roomId, memberId: birch.self.memberId });
    expectFailure(await send(birch.socket, roomId, 'still here?'), 'NOT_IN_ROOM');
    expectFailure(await send(birch.socket, roomId, 'still here?'), 'NOT_IN_ROOM');

    await mod(host, 'room:close', { roomId });
    const closed = await send(host, roomId, 'after closing');
    expect(['ROOM_CLOSED', 'NOT_IN_ROOM']).toContain(closed.error?.code);
  });

  test('an @mention of someone present is kept; contact details go either way', async () => {
    const { roomId } = await roomWithHost();
    const ash = await joinAs(t, jar, roomId, 'Ash');
    await joinAs(t, jar, roomId, 'Birch');
    const mention = await sendOk(ash.socket, roomId, 'thanks @Birch, call me on 555-123-4567');
    expect(mention.body).toBe('thanks @Birch, call me on [phone removed]');
    expect(mention.redactions).toEqual(['phone']);
    const plain = await sendOk(ash.socket, roomId, 'or www.example.org');
    expect(plain.body).toBe('or [link removed]');
    expect(plain.redactions).toEqual(['url']);
    expectFailure(await send(ash.socket, roomId, 'bell \u0007'), 'VALIDATION_FAILED');
    expectFailure(await send(ash.socket, roomId, '   '), 'VALIDATION_FAILED');
  });

  test('leaving and joining again: sends work, and after leaving they are refused', async () => {
    const { roomId } = await roomWithHost();
    const ash = await joinAs(t, jar, roomId, 'Ash');
    await sendOk(ash.socket, roomId, 'before leaving');
    expect((await emitAck(ash.socket, 'room:leave', { roomId })).ok).toBe(true);
    expectFailure(await send(ash.socket, roomId, 'after leaving'), 'NOT_IN_ROOM');
    expect((await emitAck(ash.socket, 'room:join', { roomId, handle: 'Ash' })).ok).toBe(true);
    await sendOk(ash.socket, roomId, 'back again');
  });
});
