/**
 * npm run bench:rooms — 2,500 connected members: 100 rooms of 20 and one room of 500, each room
 * sending about one message a second. Measures delivery latency (send → every other member's
 * message:new) and the server's CPU per delivered message, for Meetinghouse and, in the same run,
 * for a bare Socket.IO relay (bench/bare-relay.ts) under the same load: the baseline.
 *
 * Both servers run as their own processes, so their CPU time is theirs alone (read from /proc).
 * Options: BENCH_ROOMS_SECONDS (default 60), BENCH_SMALL_ROOMS (100), BENCH_SMALL_SIZE (20),
 * BENCH_BIG_SIZE (500), BENCH_ROOMS_PROFILE (a directory: each server writes a CPU profile into
 * relay/ or service/ there when it stops, and the run ends with a summary of each, counting the
 * measured period only; bench/profile-summary.ts reads them again), BENCH_ROOMS_ONLY_SERVICE=1 (skip the
 * relay, for quicker profiling runs), DATABASE_URL (use that server instead of an embedded one).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { summarizeProfile, type ProfileWindow } from './profile-summary.js';
import { benchDatabase, fmt, quietLogs, summarize, table } from './support.js';

const SECONDS = Number(process.env.BENCH_ROOMS_SECONDS ?? 60);
const SMALL_ROOMS = Number(process.env.BENCH_SMALL_ROOMS ?? 100);
const SMALL_SIZE = Number(process.env.BENCH_SMALL_SIZE ?? 20);
const BIG_SIZE = Number(process.env.BENCH_BIG_SIZE ?? 500);
/** A directory for a CPU profile of the service (node --cpu-prof), written when it stops. */
const PROFILE = process.env.BENCH_ROOMS_PROFILE;
const ONLY_SERVICE = process.env.BENCH_ROOMS_ONLY_SERVICE === '1';
const SETTLE_MS = 5000;
const ADMIN = { email: 'bench@example.org', password: 'bench-admin-password' };

interface Target {
  name: string;
  baseUrl: string;
  pid: number;
  /** Room ids and a token per member, or none for the bare relay. */
  rooms: string[];
  tokens: string[] | undefined;
  stop(): Promise<void>;
}

/** Fields of /proc/PID/stat after the command name (field 3 onwards). */
function stat(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
}

function cpuSeconds(pid: number): number {
  const fields = stat(pid);
  // utime and stime, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * PostgreSQL's CPU: the postmaster, its live backends, and (cutime, cstime) the backends that
 * have exited. Zero when the database is not ours to watch (DATABASE_URL).
 */
function databaseCpuSeconds(postmaster: number | undefined): number {
  if (postmaster === undefined) return 0;
  const own = stat(postmaster);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = stat(Number(entry));
      if (Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks / 100;
}

/** Node options that make a server write a CPU profile into PROFILE/<name> when it stops. */
function profileArgs(name: 'relay' | 'service'): string[] {
  return PROFILE === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE, name)}`];
}

/** Microseconds on the monotonic clock, which V8's profiler timestamps its samples with. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function startProcess(
  script: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [...nodeArgs, new URL(script, import.meta.url).pathname], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = /"msg":"(?:listening|Meetinghouse is listening)"[^\n]*"port":(\d+)/.exec(
        buffered,
      );
      if (match?.[1] !== undefined) {
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve({ child, port: Number(match[1]) });
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

async function meetinghouse(databaseUrl: string, members: number): Promise<Target> {
  const { child, port } = await startProcess(
    '../src/main.js',
    {
      DATABASE_URL: databaseUrl,
      PORT: '0',
      NODE_ENV: 'production',
      JWT_SECRET: 'd'.repeat(48),
      LOG_LEVEL: 'info',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      // Every simulated member connects from this one machine: the per-address limits, which
      // bench:abuse measures, would refuse all but the first few here.
      PARTICIPANT_ISSUE_PER_MINUTE: '1000000',
      ROOM_SOCKETS_PER_ADDRESS: '1000000',
      ROOM_MAX_MEMBERS: String(BIG_SIZE + 10),
    },
    profileArgs('service'),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const login = await json<{ accessToken: string }>(
    await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    }),
  );
  const rooms: string[] = [];
  for (let i = 0; i <= SMALL_ROOMS; i++) {
    const room = await json<{ id: string }>(
      await fetch(`${baseUrl}/api/v1/rooms`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${login.accessToken}`,
        },
        body: JSON.stringify({
          name: i === SMALL_ROOMS ? 'Big room' : `Room ${i + 1}`,
          opensAt: new Date(Date.now() - 60_000).toISOString(),
        }),
      }),
    );
    rooms.push(room.id);
  }
  const tokens: string[] = [];
  for (let i = 0; i < members; i++) {
    tokens.push(
      (
        await json<{ token: string }>(
          await fetch(`${baseUrl}/api/v1/participants`, { method: 'POST' }),
        )
      ).token,
    );
  }
  return {
    name: 'Meetinghouse',
    baseUrl,
    pid: child.pid ?? 0,
    rooms,
    tokens,
    stop: stopper(child),
  };
}

async function bareRelay(): Promise<Target> {
  const { child, port } = await startProcess('./bare-relay.js', {}, profileArgs('relay'));
  const rooms = Array.from({ length: SMALL_ROOMS + 1 }, () => randomUUID());
  return {
    name: 'bare Socket.IO relay',
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    rooms,
    tokens: undefined,
    stop: stopper(child),
  };
}

interface RunResult {
  latencies: number[];
  delivered: number;
  sent: number;
  failedSends: number;
  cpuSeconds: number;
  databaseCpuSeconds: number;
}

async function run(target: Target, postmaster: number | undefined): Promise<RunResult> {
  // Member i of room r: rooms 0..SMALL_ROOMS-1 have SMALL_SIZE members, the last one BIG_SIZE.
  const layout: { roomId: string; size: number }[] = target.rooms.map((roomId, i) => ({
    roomId,
    size: i === SMALL_ROOMS ? BIG_SIZE : SMALL_SIZE,
  }));
  const sockets: { socket: Socket; roomId: string }[] = [];
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let delivered = 0;
  let measuring = false;
  let tokenIndex = 0;
  for (const { roomId, size } of layout) {
    const batch: Promise<void>[] = [];
    for (let m = 0; m < size; m++) {
      const token = target.tokens?.[tokenIndex++];
      const socket = io(`${target.baseUrl}/rooms`, {
        transports: ['websocket'],
        auth: token === undefined ? {} : { token },
        reconnection: false,
        forceNew: true,
      });
      socket.on('message:new', (message: { clientId: string }) => {
        const started = sentAt.get(message.clientId);
        if (started === undefined || !measuring) return;
        latencies.push(performance.now() - started);
        delivered++;
      });
      sockets.push({ socket, roomId });
      const handle = `m${m}-${roomId.slice(0, 4)}`;
      batch.push(
        new Promise<void>((resolve, reject) => {
          socket.once('connect_error', reject);
          socket.once('connect', () => {
            socket
              .timeout(30_000)
              .emit(
                'room:join',
                { roomId, handle },
                (err: unknown, reply: { ok: boolean; error?: unknown }) => {
                  if (err !== null || !reply.ok)
                    reject(new Error(`join failed: ${JSON.stringify(err ?? reply.error)}`));
                  else resolve();
                },
              );
          });
        }),
      );
    }
    await Promise.all(batch);
  }

  const byRoom = new Map<string, Socket[]>();
  for (const { socket, roomId } of sockets)
    byRoom.set(roomId, [...(byRoom.get(roomId) ?? []), socket]);
  let sent = 0;
  let failedSends = 0;
  // Let the arrivals settle (presence updates of 2,500 joins) before measuring the steady state.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const cpuStart = cpuSeconds(target.pid);
  const dbCpuStart = databaseCpuSeconds(postmaster);
  const windowFromUs = monotonicUs();
  measuring = true;
  // Each room sends about once a second, staggered so the load is even.
  const timers: NodeJS.Timeout[] = [];
  [...byRoom.entries()].forEach(([roomId, members], i) => {
    const start = setTimeout(
      () => {
        const tick = (): void => {
          const sender = members[Math.floor(Math.random() * members.length)] as Socket;
          const clientId = randomUUID();
          sentAt.set(clientId, performance.now());
          sent++;
          sender
            .timeout(10_000)
            .emit(
              'message:send',
              { roomId, clientId, body: 'Thanks for sharing, glad to be here today.' },
              (err: unknown, reply: { ok: boolean }) => {
                if (err !== null || !reply.ok) failedSends++;
              },
            );
        };
        tick();
        timers.push(setInterval(tick, 1000));
      },
      (i * 1000) / byRoom.size,
    );
    timers.push(start);
  });
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  for (const timer of timers) {
    clearTimeout(timer);
    clearInterval(timer);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  measuring = false;
  if (PROFILE !== undefined) {
    const window: ProfileWindow = { fromUs: windowFromUs, toUs: monotonicUs() };
    const dir = join(PROFILE, target.tokens === undefined ? 'relay' : 'service');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'window.json'), JSON.stringify(window));
  }
  const cpu = cpuSeconds(target.pid) - cpuStart;
  const dbCpu = databaseCpuSeconds(postmaster) - dbCpuStart;
  for (const { socket } of sockets) socket.disconnect();
  return { latencies, delivered, sent, failedSends, cpuSeconds: cpu, databaseCpuSeconds: dbCpu };
}

async function main(): Promise<void> {
  quietLogs();
  const members = SMALL_ROOMS * SMALL_SIZE + BIG_SIZE;
  const db = await benchDatabase();
  const rows: (string | number)[][] = [];
  const results: { name: string; result: RunResult }[] = [];
  try {
    const targets = [() => bareRelay(), () => meetinghouse(db.url, members)];
    for (const make of ONLY_SERVICE ? targets.slice(1) : targets) {
      const target = await make();
      try {
        const result = await run(target, db.postmasterPid);
        results.push({ name: target.name, result });
      } finally {
        await target.stop();
      }
    }
  } finally {
    await db.close();
  }
  // With BENCH_ROOMS_ONLY_SERVICE there is no baseline: the ratios read NaN.
  const baseline = results.find((r) => r.name === 'bare Socket.IO relay')?.result;
  for (const { name, result } of results) {
    const s = summarize(result.latencies);
    const perDelivery = (seconds: number): number =>
      (seconds * 1e6) / Math.max(1, result.delivered);
    const cpuPerMessage = perDelivery(result.cpuSeconds);
    const dbPerMessage = perDelivery(result.databaseCpuSeconds);
    const baselineCpu =
      baseline === undefined ? NaN : (baseline.cpuSeconds * 1e6) / Math.max(1, baseline.delivered);
    rows.push([
      name,
      result.sent,
      result.failedSends,
      result.delivered,
      fmt(s.p50),
      fmt(s.p99),
      cpuPerMessage.toFixed(1),
      (cpuPerMessage / baselineCpu).toFixed(2),
      db.postmasterPid === undefined ? 'n/a' : dbPerMessage.toFixed(1),
      db.postmasterPid === undefined
        ? 'n/a'
        : ((cpuPerMessage + dbPerMessage) / baselineCpu).toFixed(2),
    ]);
  }
  process.stdout.write(
    `\n## Rooms benchmark (${new Date().toISOString().slice(0, 10)})\n\n` +
      `${members} members (${SMALL_ROOMS} rooms of ${SMALL_SIZE} and one of ${BIG_SIZE}), each room sending about one message a second for ${SECONDS} s; ` +
      `clients in one process, each server in its own; Node ${process.version}, ${cpus().length} CPUs; database: ${process.env.DATABASE_URL === undefined ? 'embedded PostgreSQL' : 'DATABASE_URL'}.\n\n` +
      table(
        [
          'server',
          'sent',
          'failed',
          'deliveries',
          'latency p50 ms',
          'latency p99 ms',
          'server CPU µs / delivery',
          'CPU vs relay',
          'PostgreSQL CPU µs / delivery',
          'server + PostgreSQL vs relay',
        ],
        rows,
      ) +
      '\n',
  );
  if (PROFILE !== undefined) {
    for (const which of ONLY_SERVICE ? ['service'] : ['relay', 'service'])
      process.stdout.write(`\n${summarizeProfile(join(PROFILE, which))}`);
  }
  process.exit(0);
}

await main();
