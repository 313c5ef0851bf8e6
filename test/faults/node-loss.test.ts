/**
 * Two-node faults (issue 7, item 2): two instances of the built service, as child processes on
 * one database, broadcasting through the Postgres adapter. One of them goes away, by SIGTERM
 * (a deploy) or SIGKILL (a crash); its clients reconnect to the other, as a load balancer would
 * send them, and must lose nothing acknowledged. Mutes, bans, a locked room and a closed room
 * stay enforced, and the dead instance's members do not linger.
 */
import type { Socket } from 'socket.io-client';
import type { ServiceProcess } from '../support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { connectSocket, emitAck, nextEvent, type AckReply } from '../support/sockets.js';
import {
  disconnected,
  lacksMember,
  SocketJar,
  sql,
  waitForPresence,
  type JoinAck,
  type RoomDto,
} from '../rooms/room-fixtures.js';
import {
  adminLogin,
  baseUrlOf,
  call,
  ChatClient,
  eventually,
  issueParticipant,
  openRoom,
  range,
  ServiceFleet,
} from './fault-fixtures.js';

/** These start, kill and restart processes on a shared, slow machine: generous limits. */
const TEST_TIMEOUT_MS = 180_000;
const HOOK_TIMEOUT_MS = 120_000;

function expectCode(reply: AckReply | undefined, code: string): void {
  expect(reply).toEqual({ ok: false, error: { code, message: expect.any(String) as string } });
}

async function okAck(socket: Socket, event: string, payload: unknown): Promise<void> {
  const reply = await emitAck(socket, event, payload);
  if (!reply.ok) throw new Error(`${event} failed: ${JSON.stringify(reply.error)}`);
}

describe('one of two instances goes away', () => {
  let db: TestDatabase;
  const fleet = new ServiceFleet();
  const jar = new SocketJar();
  let survivor: ServiceProcess;
  let admin: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Enough for a certificate after the twelve minutes one member is given below.
    survivor = await fleet.start({ DATABASE_URL: db.url, ATTENDANCE_MIN_MINUTES: '10' });
    admin = await adminLogin(baseUrlOf(survivor));
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    jar.closeAll();
    await fleet.stopAll();
    await db.drop();
  }, HOOK_TIMEOUT_MS);

  function startDoomed(): Promise<ServiceProcess> {
    return fleet.start({ DATABASE_URL: db.url, ATTENDANCE_MIN_MINUTES: '10' });
  }

  /** A facilitator (the admin) present in the room through the surviving instance. */
  async function host(roomId: string): Promise<{ socket: Socket; join: JoinAck }> {
    const socket = jar.add(await connectSocket(baseUrlOf(survivor), admin));
    const reply = await emitAck<JoinAck>(socket, 'room:join', { roomId, handle: 'Host' });
    if (!reply.ok || reply.data === undefined)
      throw new Error(`host join failed: ${JSON.stringify(reply.error)}`);
    return { socket, join: reply.data };
  }

  async function member(baseUrl: string, roomId: string, handle: string): Promise<ChatClient> {
    const client = new ChatClient(await issueParticipant(baseUrl), roomId, handle, jar);
    await client.connect(baseUrl);
    await client.join();
    return client;
  }

  test(
    'SIGTERM: its clients re-join on the other instance with nothing lost; a mute, a ban, the lock and their time present hold',
    async () => {
      const doomed = await startDoomed();
      const [lost, kept] = [baseUrlOf(doomed), baseUrlOf(survivor)];
      const room = await openRoom(kept, admin);
      const { socket: hostSocket } = await host(room.id);
      const watcher = await member(kept, room.id, 'Watcher');
      const ash = await member(lost, room.id, 'Ash');
      const birch = await member(lost, room.id, 'Birch');
      const cedar = await member(lost, room.id, 'Cedar');

      await okAck(hostSocket, 'mod:mute', { roomId: room.id, memberId: birch.memberId });
      await okAck(hostSocket, 'room:update', { roomId: room.id, locked: true });
      // Ash has been here twelve minutes (the passing of time, simulated in the table).
      await sql(
        db.url,
        `UPDATE room_connection SET connected_at = now() - interval '12 minutes' WHERE member_id = $1`,
        [ash.memberId],
      );
      for (let i = 1; i <= 5; i++) await ash.sendOk(`Ash before the deploy ${i}`);
      await watcher.sendOk('Watcher before the deploy');

      const gone = [ash, birch, cedar];
      // Everything so far has reached them (the watcher's message crosses instances).
      await eventually(() => gone.every((c) => c.lastSeq() === 6), 'all six messages delivered');
      const lastSeen = gone.map((c) => c.lastSeq());
      const presenceWithoutThem = waitForPresence(hostSocket, room.id, (members) =>
        gone.every((c) => lacksMember(c.memberId!)(members)),
      );
      const dropped = gone.map((c) => disconnected(c.socket!, 30_000));
      doomed.child.kill('SIGTERM');
      expect(await doomed.exited).toEqual({ code: 0, signal: null });
      await Promise.all(dropped);
      // A clean stop takes its members out of everyone's presence at once.
      await presenceWithoutThem;

      // The room moves on meanwhile, and Cedar is banned while away.
      const meanwhile = await watcher.sendOk('said while you were away');
      await okAck(hostSocket, 'mod:ban', { roomId: room.id, memberId: cedar.memberId });

      // Back through the surviving instance, with the same tokens.
      const ashBack = await (async () => {
        await ash.connect(kept);
        return ash.joinReply();
      })();
      // A locked room keeps out newcomers, not members whose instance went away.
      expect({ ok: ashBack.ok, error: ashBack.error }).toEqual({ ok: true, error: undefined });
      expect(ashBack.data?.self.memberId).toBe(ash.memberId);
      const caughtUp = await ash.sync(lastSeen[0]);
      expect(caughtUp.map((m) => m.id)).toEqual([meanwhile.id]);
      // Every acknowledged message is there, once.
      const history = await ash.sync(0);
      expect(history.map((m) => m.seq)).toEqual(range(1, history.length));
      const historyIds = history.map((m) => m.id);
      for (const acked of ash.acked.values())
        expect(historyIds.filter((id) => id === acked.id)).toHaveLength(1);
      // Their twelve minutes on the lost instance still count.
      const certificate = await emitAck<{ minutesPresent: number }>(
        ash.socket!,
        'attendance:certificate',
        { roomId: room.id },
      );
      expect(certificate.error).toBeUndefined();
      expect(certificate.data?.minutesPresent).toBeGreaterThanOrEqual(12);

      await birch.connect(kept);
      await birch.join();
      expectCode(await birch.send('am I still muted?'), 'MUTED');

      await cedar.connect(kept);
      expectCode(await cedar.joinReply(), 'BANNED');

      const newcomer = new ChatClient(await issueParticipant(kept), room.id, 'Newcomer', jar);
      await newcomer.connect(kept);
      expectCode(await newcomer.joinReply(), 'ROOM_LOCKED');
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'SIGKILL: ghosts of the dead instance do not block their owners and are cleaned up; a room closed meanwhile stays closed everywhere',
    async () => {
      const doomed = await startDoomed();
      const [lost, kept] = [baseUrlOf(doomed), baseUrlOf(survivor)];
      const room = await openRoom(kept, admin);
      const { socket: hostSocket } = await host(room.id);
      const watcher = await member(kept, room.id, 'Watcher');
      const alder = await member(lost, room.id, 'Alder');
      const beech = await member(lost, room.id, 'Beech');
      const cypress = await member(lost, room.id, 'Cypress');
      for (let i = 1; i <= 3; i++) await alder.sendOk(`Alder before the crash ${i}`);
      await okAck(hostSocket, 'room:update', { roomId: room.id, locked: true });

      const dropped = [alder, beech, cypress].map((c) => disconnected(c.socket!, 30_000));
      doomed.child.kill('SIGKILL');
      expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await Promise.all(dropped);
      const memberCount = async (): Promise<number> =>
        (await call<RoomDto>(kept, 'GET', `/rooms/${room.id}`)).body.memberCount;
      // Nobody told the others: the dead instance's members still count as present.
      expect(await memberCount()).toBe(5);

      // Alder comes straight back: not HANDLE_TAKEN by its own ghost, same member, listed once.
      const lastSeen = alder.lastSeq();
      await alder.connect(kept);
      const back = await alder.join();
      expect(back.self.memberId).toBe(alder.memberId);
      expect(back.members.filter((m) => m.handle === 'Alder')).toHaveLength(1);
      const said = await watcher.sendOk('meanwhile');
      expect((await alder.sync(lastSeen)).map((m) => m.id)).toEqual([said.id]);
      const historyIds = (await alder.sync(0)).map((m) => m.id);
      expect(alder.acked.size).toBe(3);
      for (const acked of alder.acked.values())
        expect(historyIds.filter((id) => id === acked.id)).toHaveLength(1);

      // The surviving instance drops the dead one's connections once its heartbeat is 45 s old
      // (the passing of time, simulated in the table).
      const [ghostNode] = await sql<{ node_id: string }>(
        db.url,
        `SELECT DISTINCT node_id FROM room_connection WHERE member_id = $1`,
        [beech.memberId],
      );
      await sql(
        db.url,
        `UPDATE app_node SET heartbeat_at = now() - interval '50 seconds' WHERE id = $1`,
        [ghostNode?.node_id],
      );
      const cleaned = await waitForPresence(
        hostSocket,
        room.id,
        (members) =>
          lacksMember(beech.memberId!)(members) && lacksMember(cypress.memberId!)(members),
        30_000,
      );
      expect(cleaned.members.map((m) => m.handle).sort()).toEqual(['Alder', 'Host', 'Watcher']);
      expect(await memberCount()).toBe(3);

      // Beech returns after the clean-up, within the grace a dropped member has: the lock keeps
      // out newcomers, not members whose instance crashed.
      await beech.connect(kept);
      const beechBack = await beech.joinReply();
      expect({ ok: beechBack.ok, error: beechBack.error }).toEqual({ ok: true, error: undefined });
      expect(beechBack.data?.self.memberId).toBe(beech.memberId);
      expect((await beech.sync(0)).map((m) => m.seq)).toEqual(range(1, 4));

      // The room is closed while Cypress is still away; everyone present hears it.
      const closedFor = [hostSocket, watcher.socket!, alder.socket!, beech.socket!].map((s) =>
        nextEvent<{ roomId: string }>(s, 'room:closed', (e) => e.roomId === room.id, 15_000),
      );
      await okAck(hostSocket, 'room:close', { roomId: room.id });
      await Promise.all(closedFor);
      for (const client of [alder, beech, watcher]) {
        const reply = await client.send('still open?');
        expect(['NOT_IN_ROOM', 'ROOM_CLOSED']).toContain(reply?.error?.code);
      }

      // Closed for everyone, on an instance started after the crash too.
      const replacement = await startDoomed();
      const fresh = baseUrlOf(replacement);
      expect((await call<RoomDto>(fresh, 'GET', `/rooms/${room.id}`)).body.status).toBe('closed');
      await cypress.connect(fresh);
      expectCode(await cypress.joinReply(), 'ROOM_CLOSED');
      await alder.connect(fresh);
      expectCode(await alder.joinReply(), 'ROOM_CLOSED');
      await eventually(async () => (await memberCount()) === 0, 'nobody left in the room', 10_000);
    },
    TEST_TIMEOUT_MS,
  );
});
