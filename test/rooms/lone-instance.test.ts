/**
 * A lone instance keeps its broadcasts to itself (no NOTIFY round trip per message; see
 * ClusterPeers), and that must never cost anyone a message: a second instance that starts while
 * the first is alone is heard before it serves anybody, so members on both exchange messages,
 * presence and room closing from the first moment. Local members get a room's messages in seq
 * order whether or not they are published.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ClusterPeers } from '../../src/rooms/realtime/cluster-peers.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { api, login } from '../support/http.js';
import { collect, nextEvent } from '../support/sockets.js';
import {
  barrier,
  createRoom,
  eventually,
  hasMember,
  joinAs,
  messageArrives,
  range,
  ROOMS_ENV,
  sendOk,
  settle,
  sql,
  SocketJar,
  waitForPresence,
  withoutRedactions,
  type MessageView,
  type RoomDto,
} from './room-fixtures.js';

/** MessageType.BROADCAST and .HEARTBEAT of socket.io-adapter's cluster protocol. */
const BROADCAST = 3;
const HEARTBEAT = 2;
/** Past the grace after LISTEN starts (20 s), with room for a slow machine. */
const ALONE_WITHIN_MS = 45_000;

describe('an instance alone, then joined by a second', () => {
  let db: TestDatabase;
  let nodeA: TestApp;
  let nodeB: TestApp | undefined;
  let nodeC: TestApp | undefined;
  let admin: string;
  let listener: pg.Client;
  /** What the instances publish, as seen by a bystander LISTENing on the channel. */
  const published: { uid: string; type: number }[] = [];
  const jar = new SocketJar();

  beforeAll(async () => {
    db = await createTestDatabase();
    nodeA = await startTestApp({ env: ROOMS_ENV, databaseUrl: db.url });
    admin = await login(nodeA);
    listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (n) => {
      const message = JSON.parse(n.payload ?? '{}') as { uid: string; type: number };
      published.push({ uid: message.uid, type: message.type });
    });
    await listener.query('LISTEN "socket.io#/rooms"');
  });

  afterAll(async () => {
    jar.closeAll();
    await listener.end();
    await nodeC?.close();
    await nodeB?.close();
    await nodeA.close();
    await db.drop();
  });

  test(
    'alone, it publishes no broadcasts (only its heartbeat); its own members get every message, in seq order',
    async () => {
      const peers = nodeA.app.get(ClusterPeers);
      expect(peers.mustPublish()).toBe(true); // just started: LISTEN may have missed someone
      await eventually(() => Promise.resolve(!peers.mustPublish()), ALONE_WITHIN_MS, 200);

      const room = await createRoom(nodeA, admin);
      const watcher = await joinAs(nodeA, jar, room.id, 'Watcher');
      const senders = await Promise.all(
        ['Ash', 'Birch', 'Cedar', 'Dale'].map((h) => joinAs(nodeA, jar, room.id, h)),
      );
      published.length = 0;
      const received = collect<MessageView>(watcher.socket, 'message:new');
      await Promise.all(
        senders.flatMap((s, i) => range(1, 10).map((n) => sendOk(s.socket, room.id, `${i}-${n}`))),
      );
      await barrier(senders[0]!.socket, room.id, [watcher.socket]);
      expect(received.map((m) => m.seq)).toEqual(range(1, 41));

      await eventually(
        () => Promise.resolve(published.some((p) => p.type === HEARTBEAT)),
        10_000,
        50,
      );
      expect(published.filter((p) => p.type === BROADCAST)).toEqual([]);
    },
    ALONE_WITHIN_MS + 30_000,
  );

  test('a second instance is heard before it serves anyone: messages, presence and closing cross at once, both ways', async () => {
    const peersA = nodeA.app.get(ClusterPeers);
    expect(peersA.mustPublish()).toBe(false);
    const room = await createRoom(nodeA, admin);
    const a = await joinAs(nodeA, jar, room.id, 'Ash');

    nodeB = await startTestApp({ env: ROOMS_ENV, databaseUrl: db.url });
    // B started only once A had welcomed it: A publishes from B's first moment.
    expect(peersA.mustPublish()).toBe(true);

    const arrivalOnA = waitForPresence(a.socket, room.id, (members) => members.length === 2);
    const b = await joinAs(nodeB, jar, room.id, 'Birch', { baseUrl: nodeB.baseUrl });
    expect(b.ack.members.map((m) => m.memberId)).toContain(a.self.memberId);
    expect(hasMember(b.self.memberId)((await arrivalOnA).members)).toBe(true);

    const onB = messageArrives(b.socket, 'from A, straight away');
    const fromA = await sendOk(a.socket, room.id, 'from A, straight away');
    expect(await onB).toEqual(withoutRedactions(fromA));
    const onA = messageArrives(a.socket, 'from B, straight away');
    const fromB = await sendOk(b.socket, room.id, 'from B, straight away');
    expect(await onA).toEqual(withoutRedactions(fromB));

    // A burst from A: B's member misses none (order across instances is not promised; the
    // client sorts by seq and fills gaps with room:sync).
    const onBAll = collect<MessageView>(b.socket, 'message:new');
    const burst = await Promise.all(
      range(1, 10).map((n) => sendOk(a.socket, room.id, `burst ${n} ${randomUUID()}`)),
    );
    await eventually(() => Promise.resolve(onBAll.length >= burst.length), 5_000, 20);
    expect(onBAll.map((m) => m.seq).sort((x, y) => x - y)).toEqual(
      range(fromB.seq + 1, fromB.seq + 10),
    );
    expect(burst.map((m) => m.seq).sort((x, y) => x - y)).toEqual(
      range(fromB.seq + 1, fromB.seq + 10),
    );

    const closedA = settle(nextEvent(a.socket, 'room:closed', () => true, 5_000));
    const closedB = settle(nextEvent(b.socket, 'room:closed', () => true, 5_000));
    const res = await api<RoomDto>(nodeA, 'PATCH', `/rooms/${room.id}`, {
      token: admin,
      body: { status: 'closed' },
    });
    expect(res.body.status).toBe('closed');
    expect({ onA: await closedA, onB: await closedB }).toEqual({
      onA: { ok: true, value: { roomId: room.id } },
      onB: { ok: true, value: { roomId: room.id } },
    });
  }, 60_000);

  test('an instance listed as live that does not answer the hello (it crashed moments ago) delays a start by seconds, not for ever', async () => {
    await sql(db.url, `INSERT INTO app_node (id, heartbeat_at) VALUES ($1, now())`, [randomUUID()]);
    const started = Date.now();
    nodeC = await startTestApp({ env: ROOMS_ENV, databaseUrl: db.url });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(nodeC.app.get(ClusterPeers).mustPublish()).toBe(true);
  }, 60_000);
});
