/**
 * The database restarted under running services (issue 7, item 1). The services run as child
 * processes on a private embedded PostgreSQL that this file starts, stops and starts again on
 * the same port and data directory (never the machine's shared server nor the suite's).
 *
 * While it is down: /health answers 503; REST writes and reads are refused with 503
 * `UNAVAILABLE` (docs/realtime.md: "the database is unreachable; nothing was done, try again"),
 * socket events with the same code in their ack, and a new socket's handshake with
 * `connect_error` data.code `UNAVAILABLE` (not UNAUTHORIZED: the token is fine), all promptly;
 * the process keeps running and recovers by itself when the database is back.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import type { ServiceProcess } from '../support/service-process.js';
import { emitAck, nextEvent } from '../support/sockets.js';
import {
  connectRaw,
  disconnected,
  SocketJar,
  type MessageView,
  type RoomDto,
} from '../rooms/room-fixtures.js';
import {
  adminLogin,
  baseUrlOf,
  call,
  ChatClient,
  eventually,
  everythingLogged,
  health,
  isRunning,
  issueParticipant,
  openRoom,
  range,
  ServiceFleet,
} from './fault-fixtures.js';

/** These start, kill and restart processes on a shared, slow machine: generous limits. */
const TEST_TIMEOUT_MS = 180_000;
const HOOK_TIMEOUT_MS = 120_000;

const UNAVAILABLE_BODY = {
  error: {
    code: 'UNAVAILABLE',
    message: expect.stringMatching(/database/i) as string,
    details: [],
  },
};

describe('the database restarted under running services', () => {
  let dataDir: string;
  let database: EmbeddedPostgres;
  let port: number;
  const fleet = new ServiceFleet();
  const jar = new SocketJar();
  let nodeA: ServiceProcess;
  let nodeB: ServiceProcess;

  async function stopDatabase(): Promise<void> {
    await database.stop();
  }

  async function startDatabase(): Promise<void> {
    database = await EmbeddedPostgres.start({ dataDir, database: 'meetinghouse', port });
  }

  async function healthy(service: ServiceProcess): Promise<void> {
    await eventually(
      async () => (await health(baseUrlOf(service))).status === 200,
      'health 200 again',
      60_000,
      250,
    );
  }

  /**
   * With the database up again (whatever the test before left behind) and both instances
   * healthy: a new room, Ash in it through A and Birch through B.
   */
  async function oneInRoomOnEach(): Promise<{
    urlA: string;
    urlB: string;
    roomId: string;
    a: ChatClient;
    b: ChatClient;
  }> {
    if (!database.running) await startDatabase();
    await healthy(nodeA);
    await healthy(nodeB);
    const [urlA, urlB] = [baseUrlOf(nodeA), baseUrlOf(nodeB)];
    const room = await openRoom(urlA, await adminLogin(urlA));
    const a = new ChatClient(await issueParticipant(urlA), room.id, 'Ash', jar);
    const b = new ChatClient(await issueParticipant(urlB), room.id, 'Birch', jar);
    await a.connect(urlA);
    await a.join();
    await b.connect(urlB);
    await b.join();
    return { urlA, urlB, roomId: room.id, a, b };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meetinghouse-faults-'));
    database = await EmbeddedPostgres.start({ dataDir, database: 'meetinghouse' });
    port = database.port;
    // One after the other: the first applies the migrations.
    nodeA = await fleet.start({ DATABASE_URL: database.url() });
    nodeB = await fleet.start({ DATABASE_URL: database.url() });
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    jar.closeAll();
    await fleet.stopAll();
    if (database.running) await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }, HOOK_TIMEOUT_MS);

  test(
    'while it is down, requests are refused promptly with UNAVAILABLE; afterwards everything works again without a restart, and a departure it missed is caught up with',
    async () => {
      const baseUrl = baseUrlOf(nodeA);
      const admin = await adminLogin(baseUrl);
      const room = await openRoom(baseUrl, admin);
      const ash = new ChatClient(await issueParticipant(baseUrl), room.id, 'Ash', jar);
      await ash.connect(baseUrl);
      await ash.join();
      const first = await ash.sendOk('before the outage');
      const birch = new ChatClient(await issueParticipant(baseUrl), room.id, 'Birch', jar);
      await birch.connect(baseUrl);
      await birch.join();
      // A valid token, for a connection made during the outage.
      const spare = await issueParticipant(baseUrl);

      await stopDatabase();

      expect(await health(baseUrl)).toEqual({ status: 503, body: { status: 'error', db: 'down' } });
      const refusedRest = {
        newParticipant: await call(baseUrl, 'POST', '/participants'),
        newRoom: await call(baseUrl, 'POST', '/rooms', {
          token: admin,
          body: { name: 'Made during the outage' },
        }),
        refresh: await call(baseUrl, 'POST', '/participants/refresh', { token: spare.token }),
        rooms: await call(baseUrl, 'GET', '/rooms'),
        room: await call(baseUrl, 'GET', `/rooms/${room.id}`),
        meetings: await call(baseUrl, 'GET', '/meetings'),
      };
      const expected = { status: 503, body: UNAVAILABLE_BODY };
      expect(refusedRest).toEqual({
        newParticipant: expected,
        newRoom: expected,
        refresh: expected,
        rooms: expected,
        room: expected,
        meetings: expected,
      });

      // The home page still comes, without its meeting list but with the crisis lines.
      const home = await fetch(`${baseUrl}/`);
      const homeHtml = await home.text();
      expect({
        status: home.status,
        type: home.headers.get('content-type'),
        crisisLine: homeHtml.includes('href="tel:988"'),
        script: /<script[^>]+src="\/assets\//.test(homeHtml),
      }).toEqual({
        status: 503,
        type: 'text/html; charset=utf-8',
        crisisLine: true,
        script: true,
      });

      const unavailableAck = {
        ok: false,
        error: { code: 'UNAVAILABLE', message: expect.stringMatching(/database/i) as string },
      };
      const during = await ash.send('sent during the outage');
      expect(during).toEqual(unavailableAck);
      // Kept by the client for later: nothing was stored.
      expect([...ash.unacked.values()]).toEqual(['sent during the outage']);
      expect(await emitAck(ash.socket!, 'room:sync', { roomId: room.id, afterSeq: 0 })).toEqual(
        unavailableAck,
      );
      expect(await ash.joinReply()).toEqual(unavailableAck);
      // Birch leaves while nothing can be recorded.
      const birchGone = disconnected(birch.socket!);
      birch.socket!.disconnect();
      await birchGone;

      // A new connection cannot have its token checked: it is told to come back, not that the
      // token is bad (a client told UNAUTHORIZED throws its identity away).
      const handshake = await connectRaw(baseUrl, { token: spare.token });
      expect(handshake.error?.data).toEqual({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/try again/i) as string,
      });
      expect(isRunning(nodeA)).toBe(true);

      await startDatabase();
      await healthy(nodeA);

      expect((await call(baseUrl, 'POST', '/participants')).status).toBe(201);
      expect((await call(baseUrl, 'GET', `/rooms/${room.id}`)).status).toBe(200);
      // The socket that stayed connected through the outage is still in the room.
      const [resent] = await ash.resendUnacked();
      const after = await ash.sendOk('after the outage');
      expect([first.seq, resent?.seq, after.seq]).toEqual([1, 2, 3]);

      const cedar = new ChatClient(spare, room.id, 'Cedar', jar);
      await cedar.connect(baseUrl);
      await cedar.join();
      expect((await cedar.sync(0)).map((m) => m.body)).toEqual([
        'before the outage',
        'sent during the outage',
        'after the outage',
      ]);

      // Birch's departure, missed during the outage, is caught up with: out of the count, and
      // the handle free for someone else.
      await eventually(
        async () =>
          (await call<RoomDto>(baseUrl, 'GET', `/rooms/${room.id}`)).body.memberCount === 2,
        'Birch to be out of the room',
        30_000,
        500,
      );
      const newBirch = new ChatClient(await issueParticipant(baseUrl), room.id, 'Birch', jar);
      await newBirch.connect(baseUrl);
      expect((await newBirch.join()).members.map((m) => m.handle).sort()).toEqual([
        'Ash',
        'Birch',
        'Cedar',
      ]);
      expect(newBirch.memberId).not.toBe(birch.memberId);

      expect(isRunning(nodeA)).toBe(true);
      const logged = everythingLogged(nodeA);
      for (const secret of [ash.participant.token, spare.token, 'during the outage'])
        expect(logged).not.toContain(secret);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'after repeated restarts, messages still cross between the two instances',
    async () => {
      const { urlB, a, b } = await oneInRoomOnEach();

      /**
       * Sends from one client until one message reaches the other live. After a restart each
       * instance listens again only after a moment (the adapter reconnects on a timer), and a
       * broadcast made before that misses it; clients then recover through room:sync.
       */
      async function crosses(from: ChatClient, to: ChatClient): Promise<MessageView> {
        let arrived: MessageView | undefined;
        await eventually(
          async () => {
            const clientId = randomUUID();
            const arrival = nextEvent<MessageView>(
              to.socket!,
              'message:new',
              (m) => m.clientId === clientId,
              3_000,
            ).catch(() => undefined);
            await from.send(`from ${from.handle} ${clientId.slice(0, 8)}`, clientId);
            arrived = await arrival;
            return arrived !== undefined;
          },
          `a message from ${from.handle} to reach ${to.handle}`,
          45_000,
          0,
        );
        return arrived!;
      }

      await crosses(a, b);
      for (let restart = 1; restart <= 3; restart++) {
        await stopDatabase();
        expect((await health(urlB)).status).toBe(503);
        await startDatabase();
        await healthy(nodeA);
        await healthy(nodeB);
      }
      expect((await crosses(a, b)).author.handle).toBe('Ash');
      expect((await crosses(b, a)).author.handle).toBe('Birch');

      // Nothing was lost on the way: both have the same history, without gaps.
      const [historyA, historyB] = [await a.sync(0), await b.sync(0)];
      expect(historyA.map((m) => m.seq)).toEqual(range(1, historyA.length));
      expect(historyB).toEqual(historyA);
      expect([isRunning(nodeA), isRunning(nodeB)]).toEqual([true, true]);
    },
    TEST_TIMEOUT_MS,
  );
  test(
    'after an outage longer than instances wait for each other, no client is left connected but out of its room',
    async () => {
      const { urlA, urlB, roomId, a, b } = await oneInRoomOnEach();
      await a.sendOk('before the long outage');

      // An instance silent for 45 s is taken for dead by the others. Instead of a 50 s outage,
      // a short one after both heartbeats have been made 50 s old (the passing of time,
      // simulated in the table): whichever instance beats first afterwards removes the other's
      // connections.
      const superuser = new pg.Client({ connectionString: database.url() });
      await superuser.connect();
      await superuser.query(`UPDATE app_node SET heartbeat_at = now() - interval '50 seconds'`);
      await superuser.end();
      await stopDatabase();
      const backAt = Date.now();
      await startDatabase();
      await healthy(nodeA);
      await healthy(nodeB);
      // Both instances have beaten since (every 10 s).
      await eventually(
        async () => {
          const client = new pg.Client({ connectionString: database.url() });
          await client.connect();
          try {
            const rows = await client.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM app_node WHERE heartbeat_at > $1`,
              [new Date(backAt)],
            );
            return rows.rows[0]?.n === 2;
          } finally {
            await client.end();
          }
        },
        'both instances to beat again',
        30_000,
        500,
      );

      // Each client can send again: still a member, or disconnected by its instance (then it
      // reconnects and joins again, as clients do) — never connected yet refused NOT_IN_ROOM.
      for (const [client, url] of [
        [a, urlA],
        [b, urlB],
      ] as const) {
        await eventually(
          async () => {
            if (client.socket?.connected !== true) {
              await client.connect(url);
              await client.join();
            }
            return (await client.send(`${client.handle} is still here`))?.ok === true;
          },
          `${client.handle} able to send again`,
          20_000,
          1_000,
        );
      }
      expect((await call<RoomDto>(urlB, 'GET', `/rooms/${roomId}`)).body.memberCount).toBe(2);
      const [historyA, historyB] = [await a.sync(0), await b.sync(0)];
      expect(historyA.map((m) => m.body)).toEqual([
        'before the long outage',
        'Ash is still here',
        'Birch is still here',
      ]);
      expect(historyB).toEqual(historyA);
    },
    TEST_TIMEOUT_MS,
  );
});
