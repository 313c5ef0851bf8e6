/**
 * npm run bench:abuse — does an attacker slow down everyone else? One room of ordinary members
 * chatting (by default 40 members, 10 messages a second between them, each member in turn);
 * their delivery latency (send → message:new at every other member) is measured with no
 * attacker (the baseline), then while each attack runs, then once more with no attacker:
 *
 *   flood                  a member sending 200 events a second (messages, typing, hands)
 *   sockets-same-token     one client opening 500 sockets (each joining) with one token
 *   sockets-fresh-tokens   the same with a fresh participant token per socket, from one address
 *   token-guessing         handshakes (100/s) and token refreshes (20/s) with random tokens
 *   login                  sign-in guesses (20/s) at the admin's account and at made-up ones
 *
 * Every simulated person has an address of their own (see load-support.ts), the attacker one
 * address for everything; the service runs with its default limits as its own process, the
 * attacker in another (bench/abuse-attacker.ts), so neither delays the clients measured here
 * (they do share the machine's CPUs: each one's CPU is reported). Reported per phase: the
 * attacker's outcomes by code, the members' latency p50/p95/p99 and their ratio to the
 * baseline, deliveries lost, the service's CPU and peak RSS, and the slowest delivery of each
 * second. The target is a ratio of at most 2 at p50 and p95. The run exits non-zero when an
 * attack was not limited with the contract's codes, a delivery or a member's send was lost, or
 * the service answered INTERNAL or a 5xx or died; with BENCH_ABUSE_STRICT=1 also when a
 * latency target was missed.
 *
 * Options: BENCH_ABUSE_SECONDS (per phase, default 30), BENCH_ABUSE_MEMBERS (40),
 * BENCH_ABUSE_RATE (members' messages a second, 10), BENCH_ABUSE_FLOOD_RATE (200),
 * BENCH_ABUSE_FLOOD_EVENTS (message:send,typing,hand:raise,hand:lower), BENCH_ABUSE_SOCKETS
 * (500), BENCH_ABUSE_ONLY (comma list of attacks), BENCH_ABUSE_STRICT, BENCH_ABUSE_PROFILE (a
 * directory: the service writes a CPU profile there), DATABASE_URL.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import type { Socket } from 'socket.io-client';
import type { AttackCommand, AttackerMessage, AttackName } from './abuse-attacker.js';
import {
  ADMIN,
  adminToken,
  connect,
  cpuSeconds,
  createRoom,
  emitCode,
  issueParticipant,
  loopback,
  mb,
  option,
  Outcomes,
  rssBytes,
  sleep,
  startService,
  type Service,
} from './load-support.js';
import { benchDatabase, fmt, quietLogs, summarize, table, type LatencySummary } from './support.js';

const SECONDS = option('BENCH_ABUSE_SECONDS', 30);
const MEMBERS = option('BENCH_ABUSE_MEMBERS', 40);
const RATE = option('BENCH_ABUSE_RATE', 10);
/** Latency targets missed fail the run only when asked: this machine's noise is not the service's. */
const STRICT = process.env.BENCH_ABUSE_STRICT === '1';
const FLOOD_RATE = option('BENCH_ABUSE_FLOOD_RATE', 200);
const SOCKETS = option('BENCH_ABUSE_SOCKETS', 500);
const ATTACKS: AttackName[] = [
  'flood',
  'sockets-same-token',
  'sockets-fresh-tokens',
  'token-guessing',
  'login',
];
const ONLY = (process.env.BENCH_ABUSE_ONLY ?? '').split(',').filter((a) => a !== '');
/** A directory for a CPU profile of the service (node --cpu-prof), written when it stops. */
const PROFILE = process.env.BENCH_ABUSE_PROFILE;
const FLOOD_EVENTS = (
  process.env.BENCH_ABUSE_FLOOD_EVENTS ?? 'message:send,typing,hand:raise,hand:lower'
)
  .split(',')
  .filter((e) => e !== '');
const ATTACKER_ADDRESS = '127.66.0.1';
/** Between phases: the attacker's sockets close, the queues drain. */
const COOL_DOWN_MS = 5000;
const TARGET_RATIO = 2;

/** What each attack must be answered with (beyond OK): the contract's limiting codes. */
const EXPECTED: Record<AttackName, string[]> = {
  flood: ['RATE_LIMITED'],
  'sockets-same-token': ['RATE_LIMITED'],
  'sockets-fresh-tokens': ['RATE_LIMITED'],
  'token-guessing': ['RATE_LIMITED'],
  login: ['RATE_LIMITED'],
};

interface Member {
  socket: Socket;
  index: number;
}

interface Phase {
  name: string;
  attack: AttackName | undefined;
  latencies: number[];
  sent: number;
  expected: number;
  sendFailures: Outcomes;
  cpuPercent: number;
  peakRss: number;
  attacker: Outcomes;
  notes: string;
  attackerCpuPercent: number | undefined;
  clientsCpuPercent: number;
  startedAt: number;
  /** The slowest delivery of the messages sent in each second of the phase. */
  worstBySecond: number[];
}

async function members(service: Service, roomId: string): Promise<Member[]> {
  const joined: Member[] = [];
  for (let index = 0; index < MEMBERS; index++) {
    const from = loopback(1, index);
    const token = await issueParticipant(service.baseUrl, from);
    const connected = await connect(service.baseUrl, token, from);
    if (connected.socket === undefined) throw new Error(`member ${index}: ${connected.code}`);
    const join = await emitCode(connected.socket, 'room:join', {
      roomId,
      handle: `Member ${index}`,
    });
    if (join.code !== 'OK') throw new Error(`member ${index} join: ${join.code}`);
    joined.push({ socket: connected.socket, index });
  }
  return joined;
}

interface AttackResult {
  outcomes: Outcomes;
  notes: string;
  cpuPercent: number;
}

/** Starts the attacker process and has it prepare; resolves once it is ready. */
async function prepareAttacker(
  attack: AttackName,
  command: AttackCommand,
): Promise<{ go(): void; done: Promise<AttackResult> }> {
  const child = fork(new URL('./abuse-attacker.js', import.meta.url).pathname, [], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const done = new Promise<AttackResult>((resolve, reject) => {
    child.on('message', (message: AttackerMessage) => {
      if (message.type === 'ready') ready();
      else {
        const outcomes = new Outcomes();
        for (const [code, n] of Object.entries(message.outcomes)) outcomes.add(code, n);
        resolve({ outcomes, notes: message.notes, cpuPercent: message.cpuPercent });
      }
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the ${attack} attacker exited with ${code}`));
    });
  });
  child.send(command);
  await Promise.race([isReady, done]);
  return { go: () => child.send('go'), done };
}

async function main(): Promise<void> {
  quietLogs();
  const db = await benchDatabase();
  const service = await startService(
    { DATABASE_URL: db.url },
    { nodeArgs: PROFILE === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] },
  );
  const phases: Phase[] = [];
  let stopping = false;
  let serviceDied = false;
  void service.exited.then(() => (serviceDied = !stopping));
  try {
    const admin = await adminToken(service.baseUrl);
    const roomId = await createRoom(service.baseUrl, admin, 'Abuse benchmark');
    const people = await members(service, roomId);

    // Deliveries of the members' own messages: sent at, and which phase they belong to.
    const sentAt = new Map<string, { at: number; phase: Phase }>();
    for (const { socket } of people) {
      socket.on('message:new', (message: { clientId: string }) => {
        const sent = sentAt.get(message.clientId);
        if (sent === undefined) return;
        const latency = performance.now() - sent.at;
        sent.phase.latencies.push(latency);
        const second = Math.floor((sent.at - sent.phase.startedAt) / 1000);
        sent.phase.worstBySecond[second] = Math.max(sent.phase.worstBySecond[second] ?? 0, latency);
      });
    }

    const runPhase = async (name: string, attack: AttackName | undefined): Promise<Phase> => {
      const phase: Phase = {
        name,
        attack,
        latencies: [],
        sent: 0,
        expected: 0,
        sendFailures: new Outcomes(),
        cpuPercent: 0,
        peakRss: 0,
        attacker: new Outcomes(),
        notes: '',
        attackerCpuPercent: undefined,
        clientsCpuPercent: 0,
        startedAt: 0,
        worstBySecond: [],
      };
      const attacker =
        attack === undefined
          ? undefined
          : await prepareAttacker(attack, {
              attack,
              baseUrl: service.baseUrl,
              roomId,
              from: ATTACKER_ADDRESS,
              seconds: SECONDS,
              floodRate: FLOOD_RATE,
              floodEvents: FLOOD_EVENTS,
              sockets: SOCKETS,
              adminEmail: ADMIN.email,
            });
      const cpuStart = cpuSeconds(service.pid);
      const clientsCpuStart = process.cpuUsage();
      const started = performance.now();
      phase.startedAt = started;
      attacker?.go();
      const sends: Promise<void>[] = [];
      let turn = 0;
      const tick = setInterval(() => {
        // In turn, so that nobody comes near their own message limit.
        const sender = people[turn++ % people.length] as Member;
        const clientId = randomUUID();
        sentAt.set(clientId, { at: performance.now(), phase });
        phase.sent++;
        phase.expected += people.length - 1;
        sends.push(
          emitCode(sender.socket, 'message:send', {
            roomId,
            clientId,
            body: 'Thank you for sharing; that helped me today.',
          }).then(({ code }) => {
            if (code !== 'OK') phase.sendFailures.add(code);
          }),
        );
      }, 1000 / RATE);
      const rss = setInterval(() => {
        phase.peakRss = Math.max(phase.peakRss, rssBytes(service.pid));
      }, 500);
      await sleep(SECONDS * 1000);
      clearInterval(tick);
      phase.cpuPercent =
        ((cpuSeconds(service.pid) - cpuStart) / ((performance.now() - started) / 1000)) * 100;
      const clientsCpu = process.cpuUsage(clientsCpuStart);
      phase.clientsCpuPercent =
        ((clientsCpu.user + clientsCpu.system) / 1000 / (performance.now() - started)) * 100;
      clearInterval(rss);
      await Promise.all(sends);
      if (attacker !== undefined) {
        const result = await attacker.done;
        phase.attacker = result.outcomes;
        phase.notes = result.notes;
        phase.attackerCpuPercent = result.cpuPercent;
      }
      // Stragglers of the phase's last messages.
      await sleep(1000);
      return phase;
    };

    // Warm-up: JIT, connection pools, caches; not reported.
    await runPhase('warm-up', undefined);
    await sleep(COOL_DOWN_MS);
    phases.push(await runPhase('baseline (no attacker)', undefined));
    for (const attack of ATTACKS) {
      if (ONLY.length > 0 && !ONLY.includes(attack)) continue;
      await sleep(COOL_DOWN_MS);
      phases.push(await runPhase(attack, attack));
      if (serviceDied) break;
    }
    await sleep(COOL_DOWN_MS);
    phases.push(await runPhase('baseline again', undefined));
    for (const { socket } of people) socket.disconnect();
  } finally {
    stopping = !serviceDied;
    await service.stop();
    await db.close();
  }
  const { failures, missed } = report(phases);
  if (serviceDied) failures.push('the service exited during the run');
  if (missed.length > 0)
    process.stdout.write(
      `\nLatency target missed${STRICT ? '' : ' (fails the run only with BENCH_ABUSE_STRICT=1)'}:\n${missed.map((m) => `- ${m}`).join('\n')}\n`,
    );
  if (failures.length > 0) {
    process.stdout.write(`\nFAILED:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
  } else {
    process.stdout.write(
      "\nEvery attack was limited with the contract's codes; nothing was lost.\n",
    );
  }
  process.exit(failures.length > 0 || (STRICT && missed.length > 0) ? 1 : 0);
}

function ratio(value: number, base: number): string {
  return (value / base).toFixed(2);
}

/** Prints the tables; returns what failed, and which latency targets were missed. */
function report(phases: Phase[]): { failures: string[]; missed: string[] } {
  const failures: string[] = [];
  const missed: string[] = [];
  const baseline = phases[0];
  if (baseline === undefined) return { failures: ['no phase ran'], missed };
  const base: LatencySummary = summarize(baseline.latencies);
  const rows = phases.map((phase) => {
    const s = summarize(phase.latencies);
    const lost = phase.expected - phase.latencies.length;
    const within = s.p50 / base.p50 <= TARGET_RATIO && s.p95 / base.p95 <= TARGET_RATIO;
    if (phase.attack !== undefined && !within)
      missed.push(
        `${phase.name}: members' latency p50 ×${ratio(s.p50, base.p50)}, p95 ×${ratio(s.p95, base.p95)} (target ≤ ${TARGET_RATIO})`,
      );
    if (lost > 0) failures.push(`${phase.name}: ${lost} deliveries to members were lost`);
    if (phase.sendFailures.total > 0)
      failures.push(`${phase.name}: members' sends failed: ${phase.sendFailures.toString()}`);
    if (phase.attack !== undefined) {
      const codes = phase.attacker.codes();
      const limited = EXPECTED[phase.attack].every((expected) =>
        codes.some((c) => c.endsWith(` ${expected}`)),
      );
      if (!limited)
        failures.push(
          `${phase.name}: the attacker was never answered ${EXPECTED[phase.attack].join(' or ')}`,
        );
      const broken = codes.filter((c) => /( INTERNAL| HTTP 5\d\d| TRANSPORT_ERROR)$/.test(c));
      if (broken.length > 0) failures.push(`${phase.name}: the attacker got ${broken.join(', ')}`);
    }
    return [
      phase.name,
      phase.sent,
      `${phase.latencies.length} / ${phase.expected}`,
      fmt(s.p50),
      fmt(s.p95),
      fmt(s.p99),
      phase === baseline ? '1.00' : ratio(s.p50, base.p50),
      phase === baseline ? '1.00' : ratio(s.p95, base.p95),
      phase === baseline ? '1.00' : ratio(s.p99, base.p99),
      phase.cpuPercent.toFixed(0),
      mb(phase.peakRss),
      phase.attackerCpuPercent === undefined ? '' : phase.attackerCpuPercent.toFixed(0),
      phase.clientsCpuPercent.toFixed(0),
      phase === baseline || phase.attack === undefined ? '' : within ? 'yes' : '**no**',
    ];
  });
  process.stdout.write(
    `\n## Abuse benchmark (${new Date().toISOString().slice(0, 10)})\n\n` +
      `${MEMBERS} members in one room, ${RATE} messages a second between them, ${SECONDS} s per phase; ` +
      `attacks from one address in a process of their own (flood at ${FLOOD_RATE} events/s, ${SOCKETS} sockets); ` +
      `default limits; Node ${process.version}, ${cpus().length} CPUs; database: ${process.env.DATABASE_URL === undefined ? 'embedded PostgreSQL' : 'DATABASE_URL'}.\n\n` +
      table(
        [
          'phase',
          'messages sent',
          'deliveries',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'p50 vs baseline',
          'p95 vs baseline',
          'p99 vs baseline',
          'service CPU %',
          'service peak RSS MB',
          'attacker CPU %',
          'members’ clients CPU %',
          `within ${TARGET_RATIO}×`,
        ],
        rows,
      ) +
      '\n\n### What the attacker got\n\n' +
      table(
        ['attack', 'outcomes (request: code count)', 'notes'],
        phases
          .filter((p) => p.attack !== undefined)
          .map((p) => [p.name, groupOutcomes(p.attacker), p.notes]),
      ) +
      '\n\n### Slowest delivery of each second\n\n' +
      'Of the messages sent in each second of the phase: when an attack hurts, and whether it passes.\n\n' +
      table(
        ['phase', 'ms, second by second'],
        phases.map((p) => [
          p.name,
          Array.from(p.worstBySecond, (ms) => (ms === undefined ? '-' : ms.toFixed(0))).join(' '),
        ]),
      ) +
      '\n',
  );
  return { failures, missed };
}

/** `event CODE n` entries grouped by event: `message:send: OK 12, RATE_LIMITED 3000; …`. */
function groupOutcomes(outcomes: Outcomes): string {
  const byRequest = new Map<string, string[]>();
  for (const key of outcomes.codes().sort()) {
    const split = key.lastIndexOf(' ');
    const request = key.slice(0, split);
    byRequest.set(request, [
      ...(byRequest.get(request) ?? []),
      `${key.slice(split + 1)} ${outcomes.get(key)}`,
    ]);
  }
  return [...byRequest.entries()]
    .map(([request, codes]) => `${request}: ${codes.join(', ')}`)
    .join('; ');
}

await main();
