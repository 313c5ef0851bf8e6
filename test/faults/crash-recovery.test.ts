/**
 * Crash safety (issue 7, item 1): the built service, as a child process on the test's database,
 * is killed with SIGKILL while several clients send, then started again. Nothing acknowledged
 * may be lost or doubled, the room's seq keeps no gaps, and clients catch up with room:sync and
 * re-send what was never acknowledged (same clientId) without creating duplicates.
 */
import type { ServiceProcess } from '../support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { SocketJar, sql, type MessageView } from '../rooms/room-fixtures.js';
import {
  adminLogin,
  baseUrlOf,
  ChatClient,
  eventually,
  everythingLogged,
  issueParticipant,
  openRoom,
  range,
  ServiceFleet,
  type StoredMessage,
} from './fault-fixtures.js';

/** These start, kill and restart processes on a shared, slow machine: generous limits. */
const TEST_TIMEOUT_MS = 180_000;
const HOOK_TIMEOUT_MS = 120_000;

describe('the service killed with SIGKILL while clients send', () => {
  let db: TestDatabase;
  const fleet = new ServiceFleet();
  const jar = new SocketJar();
  let service: ServiceProcess;

  beforeAll(async () => {
    db = await createTestDatabase();
    service = await fleet.start({ DATABASE_URL: db.url });
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    jar.closeAll();
    await fleet.stopAll();
    await db.drop();
  }, HOOK_TIMEOUT_MS);

  test(
    'every acknowledged message is stored exactly once, seqs have no gaps, and clients catch up after the restart',
    async () => {
      const baseUrl = baseUrlOf(service);
      const admin = await adminLogin(baseUrl);
      const room = await openRoom(baseUrl, admin);

      // Two clients reconnect on their own (same URL: the service comes back on its port), two
      // come back later by hand, after the room has moved on without them.
      const handles = ['Alder', 'Birch', 'Cedar', 'Dogwood'];
      const clients: ChatClient[] = [];
      for (const [i, handle] of handles.entries()) {
        const client = new ChatClient(await issueParticipant(baseUrl), room.id, handle, jar);
        await client.connect(baseUrl, { autoReconnect: i < 2 });
        await client.join();
        clients.push(client);
      }
      const [alder, birch, cedar, dogwood] = clients as [
        ChatClient,
        ChatClient,
        ChatClient,
        ChatClient,
      ];
      const memberIds = clients.map((c) => c.memberId);

      // Each client sends on its own timer without waiting for acks (below the 20 events/s
      // per socket). Once 40 are acknowledged every client sends once more and the process is
      // killed a few milliseconds later: some sends are then in flight, some stored with their
      // ack lost.
      const inFlight: Promise<unknown>[] = [];
      let sending = true;
      let counter = 0;
      const ackedCount = (): number => clients.reduce((n, c) => n + c.acked.size, 0);
      const victim = service;
      const timers: NodeJS.Timeout[] = [];
      for (const [i, client] of clients.entries()) {
        timers.push(
          setTimeout(() => {
            timers.push(
              setInterval(() => {
                if (!sending || client.socket?.connected !== true) return;
                inFlight.push(client.send(`${client.handle} says ${++counter}`));
                if (ackedCount() >= 40 && sending) {
                  sending = false;
                  for (const other of clients)
                    if (other !== client)
                      inFlight.push(other.send(`${other.handle} says ${++counter}`));
                  setTimeout(() => victim.child.kill('SIGKILL'), 10);
                }
              }, 70),
            );
          }, i * 17),
        );
      }
      try {
        await eventually(() => !sending, '40 acknowledged messages', 60_000, 20);
      } finally {
        sending = false;
      }
      expect(await service.exited).toEqual({ code: null, signal: 'SIGKILL' });
      for (const timer of timers) clearInterval(timer);
      await Promise.all(inFlight);
      // A message written while offline waits in each client's outbox.
      const offline = clients.map((c) => c.write(`${c.handle} wrote this while offline`));

      const before = clients.map((c) => ({
        lastSeq: c.lastSeq(),
        acked: new Map(c.acked),
        unacked: new Map(c.unacked),
      }));
      for (const [i, client] of clients.entries()) {
        expect(client.unacked.has(offline[i] as string)).toBe(true);
        expect(before[i]?.acked.size).toBeGreaterThan(0);
      }

      // Same database, same port: the auto-reconnecting clients find it by themselves.
      const killed = service;
      service = await fleet.start({ DATABASE_URL: db.url, PORT: String(service.port) });
      for (const [i, client] of [alder, birch].entries()) {
        const recovery = await client.recovered();
        // Their own ghost connection (the killed process never said goodbye) does not block
        // them: same member, same handle, listed once.
        expect(recovery.join.ok).toBe(true);
        expect(recovery.join.data?.self.memberId).toBe(memberIds[i]);
        expect(recovery.join.data?.members.filter((m) => m.memberId === memberIds[i])).toHaveLength(
          1,
        );
        // The sync picks up exactly where the client's own record ends.
        const synced = recovery.synced.map((m) => m.seq);
        expect(synced).toEqual(range((before[i]?.lastSeq ?? 0) + 1, synced.at(-1) ?? 0));
        expect(client.unacked.size).toBe(0);
      }

      // Life goes on without Cedar and Dogwood; one of Alder's acknowledged messages is sent
      // again (a retry after a lost ack) and must come back as the first one, not a second.
      const afterRestart = [
        await alder.sendOk('after the restart, one'),
        await birch.sendOk('after the restart, two'),
      ];
      const [retriedId, firstAck] = [
        ...(before[0]?.acked ?? new Map<string, MessageView>()),
      ][0] as [string, MessageView];
      const retried = await alder.sendOk(firstAck.body, retriedId);
      expect({ id: retried.id, seq: retried.seq }).toEqual({ id: firstAck.id, seq: firstAck.seq });

      // The latecomers come back by hand; room:sync from the last seq they had fills the gap.
      const highestAcked = (): number =>
        Math.max(...clients.flatMap((c) => [...c.acked.values()].map((m) => m.seq)));
      for (const [i, client] of [cedar, dogwood].entries()) {
        const index = i + 2;
        await client.connect(baseUrlOf(service));
        const joined = await client.join();
        expect(joined.self.memberId).toBe(memberIds[index]);
        const synced = await client.sync(before[index]?.lastSeq);
        expect(synced.map((m) => m.seq)).toEqual(
          range((before[index]?.lastSeq ?? 0) + 1, highestAcked()),
        );
        expect(synced.map((m) => m.id)).toEqual(
          expect.arrayContaining(afterRestart.map((m) => m.id)),
        );
        await client.resendUnacked();
        expect(client.unacked.size).toBe(0);
      }

      // What is stored: seq 1..N without gaps, each clientId once, nothing nobody sent.
      const stored = await sql<StoredMessage>(
        db.url,
        `SELECT seq::int AS seq, client_id, member_id, id FROM message WHERE room_id = $1 ORDER BY seq`,
        [room.id],
      );
      expect(stored.map((m) => m.seq)).toEqual(range(1, stored.length));
      const storedIds = stored.map((m) => m.client_id);
      expect(new Set(storedIds).size).toBe(stored.length);
      const sentIds = new Set(clients.flatMap((c) => [...c.acked.keys()]));
      expect(new Set(storedIds)).toEqual(sentIds);
      // Everything acknowledged before the crash is there, unchanged.
      const byClientId = new Map(stored.map((m) => [m.client_id, m]));
      for (const [i, snapshot] of before.entries()) {
        for (const [clientId, message] of snapshot.acked) {
          expect(byClientId.get(clientId)).toEqual({
            seq: message.seq,
            client_id: clientId,
            member_id: memberIds[i],
            id: message.id,
          });
        }
        // And what was never acknowledged is there once (re-sending did not double it).
        for (const clientId of snapshot.unacked.keys()) expect(byClientId.has(clientId)).toBe(true);
      }

      // Every client ends with the whole history, through live delivery and room:sync.
      for (const client of clients) {
        await client.sync();
        expect(client.lastSeq()).toBe(stored.length);
      }

      // The crash and the restart logged nothing that identifies anyone or what they said.
      const logged = everythingLogged(killed) + everythingLogged(service);
      for (const client of clients) {
        expect(logged).not.toContain(client.participant.token);
        expect(logged).not.toContain(`${client.handle} says`);
      }
    },
    TEST_TIMEOUT_MS,
  );
});
