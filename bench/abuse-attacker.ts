/**
 * The attacker of bench/abuse.bench.ts, in a process of its own so that its work does not
 * delay the ordinary members' clients that the benchmark measures. It takes one command over
 * IPC, prepares (an identity, a joined socket), says so, attacks when told to for the given
 * time, cleans up, and answers with its outcomes counted by `what code`.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import {
  codeOf,
  connect,
  type Connected,
  emitCode,
  http,
  issueParticipant,
  Outcomes,
  randomToken,
  sleep,
} from './load-support.js';

export type AttackName =
  'flood' | 'sockets-same-token' | 'sockets-fresh-tokens' | 'token-guessing' | 'login';

export interface AttackCommand {
  attack: AttackName;
  baseUrl: string;
  roomId: string;
  /** The attacker's own address (every attack comes from one address). */
  from: string;
  seconds: number;
  floodRate: number;
  /** Cycled through in turn. */
  floodEvents: string[];
  sockets: number;
  adminEmail: string;
}

export type AttackerMessage =
  | { type: 'ready' }
  | { type: 'done'; outcomes: Record<string, number>; notes: string; cpuPercent: number };

const random = (from: number, to: number): number => from + Math.random() * (to - from);

function report(message: AttackerMessage): void {
  process.send?.(message);
}

/** This process's CPU from the go on: the attack's own cost to the shared machine. */
let attackStart = { cpu: process.cpuUsage(), at: performance.now() };

/** Waits for the benchmark's go (after it has started measuring). */
function go(): Promise<void> {
  return new Promise((resolve) =>
    process.once('message', () => {
      attackStart = { cpu: process.cpuUsage(), at: performance.now() };
      resolve();
    }),
  );
}

function cpuPercentSinceGo(): number {
  const used = process.cpuUsage(attackStart.cpu);
  return ((used.user + used.system) / 1000 / (performance.now() - attackStart.at)) * 100;
}

/**
 * Calls `work` `rate` times a second until `until`, with at most `maxInFlight` unfinished: a
 * steady attack whose cost to this machine does not grow as the service answers faster.
 */
async function paced(
  rate: number,
  until: number,
  maxInFlight: number,
  work: () => Promise<void>,
): Promise<number> {
  const started = Date.now();
  let inFlight = 0;
  let done = 0;
  const all: Promise<void>[] = [];
  while (Date.now() < until) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    while (done < due && inFlight < maxInFlight) {
      done++;
      inFlight++;
      all.push(work().finally(() => inFlight--));
    }
    await sleep(10);
  }
  await Promise.all(all);
  return done;
}

/** How a connection attempt was answered: refusals before the upgrade are told apart. */
function attempt(request: string, connected: Connected): string {
  return connected.beforeUpgrade === true ? `${request} (HTTP 429 before the upgrade)` : request;
}

async function joined(cmd: AttackCommand, token: string, handle: string): Promise<Socket> {
  const connected = await connect(cmd.baseUrl, token, cmd.from);
  if (connected.socket === undefined)
    throw new Error(`attacker could not connect: ${connected.code}`);
  const join = await emitCode(connected.socket, 'room:join', { roomId: cmd.roomId, handle });
  if (join.code !== 'OK') throw new Error(`attacker could not join: ${join.code}`);
  return connected.socket;
}

/** 200 events a second (by default) from one joined member: sends, typing, hands up and down. */
async function flood(cmd: AttackCommand, outcomes: Outcomes): Promise<string> {
  const token = await issueParticipant(cmd.baseUrl, cmd.from);
  const socket = await joined(cmd, token, 'Flooder');
  report({ type: 'ready' });
  await go();
  const events = cmd.floodEvents;
  const until = Date.now() + cmd.seconds * 1000;
  const pending: Promise<void>[] = [];
  let i = 0;
  let emitted = 0;
  const started = Date.now();
  // Batches every 20 ms hold the rate better than one timer per event would.
  while (Date.now() < until) {
    const due = Math.floor(((Date.now() - started) / 1000) * cmd.floodRate);
    for (; emitted < due; emitted++) {
      const event = events[i++ % events.length] as string;
      const payload =
        event === 'message:send'
          ? { roomId: cmd.roomId, clientId: randomUUID(), body: 'spam spam spam spam' }
          : { roomId: cmd.roomId };
      pending.push(
        emitCode(socket, event, payload).then(({ code }) => outcomes.add(`${event} ${code}`)),
      );
    }
    await sleep(20);
  }
  await Promise.all(pending);
  socket.disconnect();
  return `${emitted} events in ${cmd.seconds} s`;
}

/**
 * Opens `cmd.sockets` connections (each joining the room) and holds what it gets; a refused
 * slot tries again about 5 s later, for the whole attack.
 */
async function holdSockets(
  cmd: AttackCommand,
  tokens: string[],
  outcomes: Outcomes,
): Promise<{ held: number; maxHeld: number }> {
  const held: Socket[] = [];
  let maxHeld = 0;
  const until = Date.now() + cmd.seconds * 1000;
  const slot = async (n: number): Promise<void> => {
    while (Date.now() < until) {
      const token = tokens[n % tokens.length] as string;
      const connected = await connect(cmd.baseUrl, token, cmd.from);
      outcomes.add(`${attempt('connect', connected)} ${connected.code ?? 'OK'}`);
      if (connected.socket !== undefined) {
        const join = await emitCode(connected.socket, 'room:join', {
          roomId: cmd.roomId,
          handle: `Visitor ${n}`,
        });
        outcomes.add(`room:join ${join.code}`);
        held.push(connected.socket);
        maxHeld = Math.max(maxHeld, held.filter((s) => s.connected).length);
        return;
      }
      // A few seconds, spread so the retries do not all come at once.
      await sleep(random(2500, 7500));
    }
  };
  // Opened in waves of 50 at a time, as a script would.
  const slots: Promise<void>[] = [];
  for (let n = 0; n < cmd.sockets; n++) {
    slots.push(slot(n));
    if (n % 50 === 49) await sleep(50);
  }
  await Promise.all(slots);
  const remaining = until - Date.now();
  if (remaining > 0) await sleep(remaining);
  const stillHeld = held.filter((s) => s.connected).length;
  for (const socket of held) socket.disconnect();
  return { held: stillHeld, maxHeld };
}

async function socketsSameToken(cmd: AttackCommand, outcomes: Outcomes): Promise<string> {
  const token = await issueParticipant(cmd.baseUrl, cmd.from);
  report({ type: 'ready' });
  await go();
  const { held, maxHeld } = await holdSockets(cmd, [token], outcomes);
  return `held ${maxHeld} of ${cmd.sockets} sockets at most (${held} at the end)`;
}

async function socketsFreshTokens(cmd: AttackCommand, outcomes: Outcomes): Promise<string> {
  report({ type: 'ready' });
  await go();
  // A fresh identity per socket, as many as the address is given.
  const tokens: string[] = [];
  const asks = Array.from({ length: cmd.sockets }, (_, n) => n);
  const worker = async (): Promise<void> => {
    while (asks.pop() !== undefined) {
      const reply = await http<{ token: string }>('POST', `${cmd.baseUrl}/api/v1/participants`, {
        from: cmd.from,
      });
      outcomes.add(`POST /participants ${reply.status === 201 ? 'OK' : codeOf(reply)}`);
      if (reply.status === 201) tokens.push(reply.body.token);
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  if (tokens.length === 0) return 'no identity issued at all';
  const { held, maxHeld } = await holdSockets(cmd, tokens, outcomes);
  return `${tokens.length} identities; held ${maxHeld} of ${cmd.sockets} sockets at most (${held} at the end)`;
}

/** Handshakes (100 a second) and token refreshes (20 a second) with random tokens. */
async function tokenGuessing(cmd: AttackCommand, outcomes: Outcomes): Promise<string> {
  report({ type: 'ready' });
  await go();
  const until = Date.now() + cmd.seconds * 1000;
  const [handshakes, refreshes] = await Promise.all([
    paced(100, until, 100, async () => {
      const connected = await connect(cmd.baseUrl, randomToken(), cmd.from);
      outcomes.add(`${attempt('handshake', connected)} ${connected.code ?? 'OK'}`);
      connected.socket?.disconnect();
    }),
    paced(20, until, 20, async () => {
      const reply = await http('POST', `${cmd.baseUrl}/api/v1/participants/refresh`, {
        from: cmd.from,
        token: randomToken(),
      });
      outcomes.add(`refresh ${reply.status === 200 ? 'OK' : codeOf(reply)}`);
    }),
  ]);
  return `${handshakes} handshakes, ${refreshes} refreshes`;
}

/** Sign-in guesses, 20 a second: half at the admin's account, half at made-up ones. */
async function login(cmd: AttackCommand, outcomes: Outcomes): Promise<string> {
  report({ type: 'ready' });
  await go();
  const until = Date.now() + cmd.seconds * 1000;
  let n = 0;
  const attempts = await paced(20, until, 20, async () => {
    const atAdmin = n++ % 2 === 0;
    const email = atAdmin ? cmd.adminEmail : `someone.${randomUUID().slice(0, 8)}@example.org`;
    const reply = await http('POST', `${cmd.baseUrl}/api/v1/auth/login`, {
      from: cmd.from,
      body: { email, password: `guess-${randomUUID()}` },
    });
    outcomes.add(
      `login ${atAdmin ? '(admin)' : '(others)'} ${reply.status === 200 ? 'OK' : codeOf(reply)}`,
    );
  });
  return `${attempts} attempts`;
}

const attacks: Record<AttackName, (cmd: AttackCommand, outcomes: Outcomes) => Promise<string>> = {
  flood,
  'sockets-same-token': socketsSameToken,
  'sockets-fresh-tokens': socketsFreshTokens,
  'token-guessing': tokenGuessing,
  login,
};

process.once('message', (cmd: AttackCommand) => {
  const outcomes = new Outcomes();
  attacks[cmd.attack](cmd, outcomes).then(
    (notes) => {
      const counts: Record<string, number> = {};
      for (const code of outcomes.codes()) counts[code] = outcomes.get(code);
      report({ type: 'done', outcomes: counts, notes, cpuPercent: cpuPercentSinceGo() });
      process.disconnect();
    },
    (err: unknown) => {
      process.stderr.write(`attacker failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
});
