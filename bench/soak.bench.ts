/**
 * npm run bench:soak — does the service hold steady under hours of ordinary use? Mixed load for
 * BENCH_SOAK_MINUTES (default 10): seats in a few rooms where people keep coming and going
 * (joining, typing, sending, raising and lowering hands, catching up, leaving politely or just
 * dropping off, sometimes as a new identity), while a facilitator in each room mutes, unmutes,
 * kicks, deletes and pins.
 *
 * The service runs as its own process with a probe (bench/service-probe.ts) that reports its
 * heap; RSS and open descriptors are read from /proc. The measure of a leak is a checkpoint: all
 * seats leave, the service is left idle (only the facilitators connected) and garbage-collected,
 * and everything is read. One checkpoint after the warm-up, one at the end; the same state both
 * times, so whatever the load left behind shows. The run fails (exit 1) when, from the first
 * checkpoint to the last:
 *   - heap used grew by more than 10% + 5 MB, or RSS by more than 10% + 20 MB;
 *   - client connections did not all close, or other descriptors grew by more than 5;
 *   - database connections exceed the pools' sizes (DATABASE_POOL_SIZE + 3 for Socket.IO);
 *   - other active handles (timers, …) grew by more than 5 (and one per new database
 *     connection: the pool keeps a timer for each idle one);
 * or when any request was answered INTERNAL or UNAVAILABLE, or not at all.
 *
 * Options: BENCH_SOAK_MINUTES (10), BENCH_SOAK_ROOMS (4, at most 5), BENCH_SOAK_SEATS (seats per
 * room, 15), BENCH_SOAK_WARMUP_SECONDS (60, or half the run when shorter),
 * BENCH_SOAK_SAMPLE_SECONDS (30), DATABASE_URL.
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import type { Socket } from 'socket.io-client';
import {
  adminToken,
  connect,
  cpuSeconds,
  createRoom,
  databasePort,
  descriptors,
  codeOf,
  emitCode,
  http,
  loopback,
  mb,
  option,
  Outcomes,
  rssBytes,
  sleep,
  startService,
  type ProbeStats,
  type Service,
} from './load-support.js';
import { benchDatabase, quietLogs, table } from './support.js';

const MINUTES = option('BENCH_SOAK_MINUTES', 10);
const ROOMS = Math.min(5, option('BENCH_SOAK_ROOMS', 4));
const SEATS = option('BENCH_SOAK_SEATS', 15);
const WARMUP_SECONDS = option('BENCH_SOAK_WARMUP_SECONDS', Math.min(60, (MINUTES * 60) / 2));
const SAMPLE_SECONDS = option('BENCH_SOAK_SAMPLE_SECONDS', 30);
const POOL_SIZE = 10;
/** Socket.IO's adapter pool (src/rooms/realtime/rooms-io.adapter.ts). */
const ADAPTER_POOL_SIZE = 3;
/** Answers that mean something is broken, whatever the request. */
const BROKEN = new Set(['INTERNAL', 'UNAVAILABLE', 'TIMEOUT', 'NO_CODE', 'TRANSPORT_ERROR']);

interface RoomState {
  id: string;
  facilitator: Socket | undefined;
  /** memberIds of participants present, from presence events. */
  present: string[];
  muted: Set<string>;
  recentMessages: string[];
}

interface Reading {
  at: string;
  stage: string;
  connected: number;
  clients: number;
  database: number;
  other: number;
  fds: number;
  rss: number;
  heapUsed: number;
  resources: number;
  messages: number;
}

const random = (from: number, to: number): number => from + Math.random() * (to - from);
const pick = <T>(items: T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

class Soak {
  readonly outcomes = new Outcomes();
  readonly rooms: RoomState[] = [];
  private stopSeats = false;
  private seatLoops: Promise<void>[] = [];
  connected = 0;
  messages = 0;
  private admin = '';

  constructor(
    readonly service: Service,
    private readonly dbPort: number,
  ) {}

  record(event: string, code: string): void {
    this.outcomes.add(`${event} ${code}`);
  }

  async setUp(): Promise<void> {
    this.admin = await adminToken(this.service.baseUrl);
    for (let r = 0; r < ROOMS; r++) {
      const id = await createRoom(this.service.baseUrl, this.admin, `Soak room ${r + 1}`);
      this.rooms.push({
        id,
        facilitator: undefined,
        present: [],
        muted: new Set(),
        recentMessages: [],
      });
    }
    await this.connectFacilitators();
  }

  /** One facilitator socket per room; again every 20 minutes, before the access token expires. */
  async connectFacilitators(): Promise<void> {
    if (this.admin === '') this.admin = await adminToken(this.service.baseUrl);
    for (const room of this.rooms) {
      const connected = await connect(this.service.baseUrl, this.admin, '127.0.0.1');
      if (connected.socket === undefined) throw new Error(`facilitator: ${connected.code}`);
      const socket = connected.socket;
      socket.on(
        'presence',
        (p: { roomId: string; members: { memberId: string; role: string }[] }) => {
          if (p.roomId === room.id)
            room.present = p.members.filter((m) => m.role === 'participant').map((m) => m.memberId);
        },
      );
      socket.on('message:new', (m: { id: string; roomId: string }) => {
        if (m.roomId !== room.id) return;
        room.recentMessages.push(m.id);
        if (room.recentMessages.length > 20) room.recentMessages.shift();
      });
      const join = await emitCode(socket, 'room:join', { roomId: room.id, handle: 'Host' });
      if (join.code !== 'OK') throw new Error(`facilitator join: ${join.code}`);
      const previous = room.facilitator;
      room.facilitator = socket;
      previous?.disconnect();
    }
  }

  /** A facilitator's move in a random room. */
  async moderate(): Promise<void> {
    const room = pick(this.rooms);
    if (room?.facilitator === undefined) return;
    const socket = room.facilitator;
    const roomId = room.id;
    const member = pick(room.present);
    const message = pick(room.recentMessages);
    const moves: (() => Promise<void>)[] = [];
    if (member !== undefined) {
      moves.push(async () => {
        const { code } = await emitCode(socket, 'mod:mute', {
          roomId,
          memberId: member,
          minutes: 1,
          reason: 'soak',
        });
        this.record('mod:mute', code);
        if (code === 'OK') room.muted.add(member);
      });
      moves.push(async () => {
        const { code } = await emitCode(socket, 'mod:kick', {
          roomId,
          memberId: member,
          reason: 'soak',
        });
        this.record('mod:kick', code);
      });
    }
    const muted = pick([...room.muted]);
    if (muted !== undefined) {
      moves.push(async () => {
        const { code } = await emitCode(socket, 'mod:unmute', { roomId, memberId: muted });
        this.record('mod:unmute', code);
        room.muted.delete(muted);
      });
    }
    if (message !== undefined) {
      moves.push(async () => {
        const { code } = await emitCode(socket, 'mod:delete', {
          roomId,
          messageId: message,
          reason: 'soak',
        });
        this.record('mod:delete', code);
        room.recentMessages = room.recentMessages.filter((m) => m !== message);
      });
      moves.push(async () => {
        const { code } = await emitCode(socket, 'mod:pin', { roomId, messageId: message });
        this.record('mod:pin', code);
      });
    }
    moves.push(async () => {
      const { code } = await emitCode(socket, 'mod:pin', { roomId, messageId: null });
      this.record('mod:unpin', code);
    });
    await pick(moves)?.();
  }

  /** One person's comings and goings in one room, until the seats are told to stop. */
  async seat(n: number, room: RoomState): Promise<void> {
    const from = loopback(2, n);
    let token: string | undefined;
    while (!this.stopSeats) {
      if (token === undefined || Math.random() < 0.15) {
        const reply = await http<{ token: string }>(
          'POST',
          `${this.service.baseUrl}/api/v1/participants`,
          { from },
        ).catch(() => ({ status: 0, body: { token: '' } }));
        this.record('POST /participants', reply.status === 201 ? 'OK' : codeOf(reply));
        if (reply.status !== 201) {
          await sleep(5000);
          continue;
        }
        token = reply.body.token;
      }
      await this.visit(n, room, token);
      await sleep(random(500, 2500));
    }
  }

  private async visit(n: number, room: RoomState, token: string): Promise<void> {
    const connected = await connect(this.service.baseUrl, token, loopback(2, n));
    this.record('connect', connected.code ?? 'OK');
    if (connected.socket === undefined) return;
    const socket = connected.socket;
    this.connected++;
    let kicked = false;
    socket.on('moderation', (event: { action: string }) => {
      if (event.action === 'kicked' || event.action === 'banned') kicked = true;
    });
    try {
      const join = await emitCode(socket, 'room:join', { roomId: room.id, handle: `Seat ${n}` });
      this.record('room:join', join.code);
      if (join.code !== 'OK') return;
      const leaveAt = Date.now() + random(15_000, 45_000);
      while (!this.stopSeats && !kicked && Date.now() < leaveAt && socket.connected) {
        await sleep(random(2000, 6000));
        if (this.stopSeats || kicked) break;
        await this.act(socket, room.id);
      }
      if (socket.connected && Math.random() < 0.5) {
        const leave = await emitCode(socket, 'room:leave', { roomId: room.id });
        this.record('room:leave', leave.code);
      }
    } finally {
      socket.disconnect();
      this.connected--;
    }
  }

  private async act(socket: Socket, roomId: string): Promise<void> {
    const roll = Math.random();
    if (roll < 0.6) {
      socket.emit('typing', { roomId });
      const { code } = await emitCode(socket, 'message:send', {
        roomId,
        clientId: randomUUID(),
        body: 'Thanks for being here. One day at a time.',
      });
      this.record('message:send', code);
      if (code === 'OK') this.messages++;
    } else if (roll < 0.75) {
      this.record('hand:raise', (await emitCode(socket, 'hand:raise', { roomId })).code);
    } else if (roll < 0.85) {
      this.record('hand:lower', (await emitCode(socket, 'hand:lower', { roomId })).code);
    } else if (roll < 0.95) {
      this.record('room:sync', (await emitCode(socket, 'room:sync', { roomId, afterSeq: 0 })).code);
    } else {
      this.record(
        'message:history',
        (await emitCode(socket, 'message:history', { roomId, limit: 20 })).code,
      );
    }
  }

  startSeats(): void {
    this.stopSeats = false;
    this.seatLoops = [];
    this.rooms.forEach((room, r) => {
      for (let s = 0; s < SEATS; s++) {
        const n = r * SEATS + s;
        // Staggered, so that arrivals are spread like real ones.
        this.seatLoops.push(sleep(random(0, 5000)).then(() => this.seat(n, room)));
      }
    });
  }

  async stopAllSeats(): Promise<void> {
    this.stopSeats = true;
    await Promise.all(this.seatLoops);
  }

  read(stage: string, stats: ProbeStats): Reading {
    const fds = descriptors(this.service.pid, this.service.port, this.dbPort);
    return {
      at: new Date().toISOString().slice(11, 19),
      stage,
      connected: this.connected + this.rooms.length,
      clients: fds.clients,
      database: fds.database,
      other: fds.other,
      fds: fds.total,
      rss: rssBytes(this.service.pid),
      heapUsed: stats.heapUsed,
      // Sockets are counted (and told apart) by their descriptors.
      resources: Object.entries(stats.resources)
        .filter(([kind]) => kind !== 'TCPSocketWrap')
        .reduce((sum, [, n]) => sum + n, 0),
      messages: this.messages,
    };
  }

  /**
   * Everyone leaves; once the service has closed every seat's connection and settled, its
   * garbage is collected and it is read. Then the seats come back.
   */
  async checkpoint(
    stage: string,
  ): Promise<{ reading: Reading; resources: Record<string, number> }> {
    await this.stopAllSeats();
    const deadline = Date.now() + 30_000;
    while (
      descriptors(this.service.pid, this.service.port, this.dbPort).clients > this.rooms.length
    ) {
      if (Date.now() > deadline) break;
      await sleep(250);
    }
    // Presence updates, share-queue tidying and the like run on short timers: let them pass.
    await sleep(5000);
    const stats = await this.service.stats(true);
    return { reading: this.read(stage, stats), resources: stats.resources };
  }
}

function row(r: Reading): (string | number)[] {
  return [
    r.at,
    r.stage,
    r.connected,
    r.clients,
    r.database,
    r.other,
    r.fds,
    mb(r.rss),
    mb(r.heapUsed),
    r.resources,
    r.messages,
  ];
}

const HEADER = [
  'time',
  'stage',
  'clients connected',
  'client sockets (service)',
  'database connections',
  'other descriptors',
  'descriptors',
  'RSS MB',
  'heap used MB',
  'other active handles',
  'messages so far',
];

async function main(): Promise<void> {
  quietLogs();
  const db = await benchDatabase();
  const service = await startService(
    { DATABASE_URL: db.url, DATABASE_POOL_SIZE: String(POOL_SIZE) },
    { probe: true },
  );
  const soak = new Soak(service, databasePort(db.url));
  let stopping = false;
  let died = false;
  void service.exited.then(() => (died = !stopping));
  const samples: Reading[] = [];
  let first: { reading: Reading; resources: Record<string, number> } | undefined;
  let last: { reading: Reading; resources: Record<string, number> } | undefined;
  const cpuStart = cpuSeconds(service.pid);
  const startedAt = Date.now();
  try {
    await soak.setUp();
    const end = startedAt + MINUTES * 60_000;
    let moderating = true;
    const moderator = (async () => {
      while (moderating) {
        await sleep(random(1000, 2000));
        if (moderating) await soak.moderate();
      }
    })();
    const facilitatorRenewal = setInterval(() => void soak.connectFacilitators(), 20 * 60_000);

    soak.startSeats();
    await sleep(WARMUP_SECONDS * 1000);
    first = await soak.checkpoint('after warm-up (idle)');
    samples.push(first.reading);
    soak.startSeats();
    let nextSample = Date.now() + SAMPLE_SECONDS * 1000;
    while (Date.now() < end && !died) {
      await sleep(Math.max(0, Math.min(nextSample, end) - Date.now()));
      if (Date.now() >= nextSample && Date.now() < end) {
        samples.push(soak.read('under load', await service.stats(false)));
        nextSample += SAMPLE_SECONDS * 1000;
      }
    }
    if (!died) {
      last = await soak.checkpoint('end (idle)');
      samples.push(last.reading);
    }
    moderating = false;
    await moderator;
    clearInterval(facilitatorRenewal);
    for (const room of soak.rooms) room.facilitator?.disconnect();
  } finally {
    const cpu = died ? NaN : cpuSeconds(service.pid) - cpuStart;
    stopping = true;
    await service.stop();
    await db.close();
    process.stdout.write(
      `\nservice CPU over the run: ${cpu.toFixed(1)} s in ${((Date.now() - startedAt) / 1000).toFixed(0)} s\n`,
    );
  }
  const failures = report(soak, samples, first, last);
  if (died) failures.push('the service exited during the run');
  if (failures.length > 0) {
    process.stdout.write(`\nFAILED:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write('\nNo growth beyond the warm-up.\n');
  process.exit(0);
}

type Checkpoint = { reading: Reading; resources: Record<string, number> };

function report(
  soak: Soak,
  samples: Reading[],
  first: Checkpoint | undefined,
  last: Checkpoint | undefined,
): string[] {
  const failures: string[] = [];
  process.stdout.write(
    `\n## Soak benchmark (${new Date().toISOString().slice(0, 10)})\n\n` +
      `${MINUTES} minutes (${WARMUP_SECONDS} s of warm-up) in ${ROOMS} rooms of ${SEATS} seats, people coming and going, ` +
      `a facilitator moderating in each room; Node ${process.version}, ${cpus().length} CPUs; ` +
      `database: ${process.env.DATABASE_URL === undefined ? 'embedded PostgreSQL' : 'DATABASE_URL'}.\n\n` +
      table(HEADER, samples.map(row)) +
      '\n',
  );
  if (first === undefined || last === undefined)
    return ['the run did not reach its last checkpoint'];
  const a = first.reading;
  const b = last.reading;
  const checks: [string, string, string, string, boolean][] = [];
  const check = (
    what: string,
    start: string,
    endValue: string,
    rule: string,
    ok: boolean,
  ): void => {
    checks.push([what, start, endValue, rule, ok]);
    if (!ok) failures.push(`${what}: ${start} → ${endValue} (rule: ${rule})`);
  };
  const MB = 1024 * 1024;
  check(
    'heap used (after GC)',
    `${mb(a.heapUsed)} MB`,
    `${mb(b.heapUsed)} MB`,
    '≤ start + 10% + 5 MB',
    b.heapUsed <= a.heapUsed * 1.1 + 5 * MB,
  );
  check(
    'RSS',
    `${mb(a.rss)} MB`,
    `${mb(b.rss)} MB`,
    '≤ start + 10% + 20 MB',
    b.rss <= a.rss * 1.1 + 20 * MB,
  );
  check(
    'client sockets',
    String(a.clients),
    String(b.clients),
    `= the ${ROOMS} facilitators`,
    b.clients === ROOMS && a.clients === ROOMS,
  );
  check(
    'database connections',
    String(a.database),
    String(b.database),
    `≤ ${POOL_SIZE + ADAPTER_POOL_SIZE} (the pools)`,
    b.database <= POOL_SIZE + ADAPTER_POOL_SIZE,
  );
  check(
    'other descriptors',
    String(a.other),
    String(b.other),
    '≤ start + 5',
    b.other <= a.other + 5,
  );
  check(
    'active handles other than sockets',
    String(a.resources),
    String(b.resources),
    '≤ start + 5 + new database connections',
    // The pg pool keeps a timer for each idle connection.
    b.resources <= a.resources + 5 + Math.max(0, b.database - a.database),
  );
  process.stdout.write(
    '\n### Idle checkpoints: after the warm-up and at the end\n\n' +
      table(
        ['measure', 'after warm-up', 'end', 'rule', 'holds'],
        checks.map(([w, s, e, r, ok]) => [w, s, e, r, ok ? 'yes' : '**no**']),
      ) +
      `\n\nActive handles by type: after warm-up ${JSON.stringify(first.resources)}; end ${JSON.stringify(last.resources)}.\n`,
  );
  const byEvent = new Map<string, string[]>();
  for (const key of soak.outcomes.codes().sort()) {
    const split = key.lastIndexOf(' ');
    const event = key.slice(0, split);
    const code = key.slice(split + 1);
    byEvent.set(event, [...(byEvent.get(event) ?? []), `${code} ${soak.outcomes.get(key)}`]);
    if (BROKEN.has(code) || code.startsWith('HTTP'))
      failures.push(`${event} was answered ${code} ${soak.outcomes.get(key)} times`);
  }
  process.stdout.write(
    '\n### Requests and their answers\n\n' +
      table(
        ['request', 'answers'],
        [...byEvent.entries()].map(([event, codes]) => [event, codes.join(', ')]),
      ) +
      '\n',
  );
  return failures;
}

await main();
