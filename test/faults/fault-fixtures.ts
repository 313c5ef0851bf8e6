/**
 * Shared helpers for the fault tests: the built service run as child processes (so it can be
 * killed for real), REST calls against them, and a chat client that behaves like a careful real
 * one (remembers what it has seen, re-joins, catches up with room:sync, re-sends what was never
 * acknowledged with the same clientId).
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { connectSocket, type AckReply, type Participant } from '../support/sockets.js';
import { TEST_ADMIN } from '../support/http.js';
import {
  ROOMS_ENV,
  withoutRedactions,
  type JoinAck,
  type MessageView,
  type RoomDto,
  type SentMessage,
  type SocketJar,
} from '../rooms/room-fixtures.js';

/** Head-room on every limit, and a short drain so that SIGTERM tests do not wait long. */
export const FAULT_ENV: Record<string, string> = {
  ...ROOMS_ENV,
  SHUTDOWN_TIMEOUT_MS: '3000',
};

/** Every service a test file starts, so that afterAll can stop whatever is still running. */
export class ServiceFleet {
  private readonly services: ServiceProcess[] = [];

  async start(env: Record<string, string>): Promise<ServiceProcess> {
    const service = await startService({ ...FAULT_ENV, ...env }, 60_000);
    this.services.push(service);
    return service;
  }

  /** SIGKILL for whatever still runs: a failed test must not leave processes behind. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.services.map(async (service) => {
        if (isRunning(service)) service.child.kill('SIGKILL');
        await service.exited;
      }),
    );
    this.services.length = 0;
  }
}

export function isRunning(service: ServiceProcess): boolean {
  return service.child.exitCode === null && service.child.signalCode === null;
}

export function baseUrlOf(service: ServiceProcess): string {
  return `http://127.0.0.1:${service.port}`;
}

/** Everything the process wrote, for checks of what it must never log. */
export function everythingLogged(service: ServiceProcess): string {
  return service.logs.map((l) => JSON.stringify(l)).join('\n') + '\n' + service.stderr;
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
}

/** A JSON request under /api/v1 (or any absolute path when `path` starts with //). */
export async function call<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const url = path.startsWith('//') ? `${baseUrl}${path.slice(1)}` : `${baseUrl}/api/v1${path}`;
  // A request that hangs fails the test here instead of at Jest's timeout, with its name.
  const res = await fetch(url, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json') && text !== '';
  return { status: res.status, body: (json ? JSON.parse(text) : text) as T };
}

export async function health(baseUrl: string): Promise<Reply> {
  return call(baseUrl, 'GET', '//health');
}

export async function issueParticipant(baseUrl: string): Promise<Participant> {
  const res = await call<Participant>(baseUrl, 'POST', '/participants');
  if (res.status !== 201)
    throw new Error(`participant issue failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function adminLogin(baseUrl: string): Promise<string> {
  const res = await call<{ accessToken: string }>(baseUrl, 'POST', '/auth/login', {
    body: TEST_ADMIN,
  });
  if (res.status !== 200)
    throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

/** A standalone room that opened a minute ago. */
export async function openRoom(
  baseUrl: string,
  adminToken: string,
  extra: Record<string, unknown> = {},
): Promise<RoomDto> {
  const res = await call<RoomDto>(baseUrl, 'POST', '/rooms', {
    token: adminToken,
    body: {
      name: `Fault room ${randomUUID().slice(0, 8)}`,
      opensAt: new Date(Date.now() - 60_000).toISOString(),
      ...extra,
    },
  });
  if (res.status !== 201)
    throw new Error(`room create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls until `check` holds; the error names what was awaited. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Answers that mean "try again later": a careful client keeps such a message to re-send. */
const RETRYABLE = new Set(['UNAVAILABLE', 'RATE_LIMITED', 'INTERNAL']);

export interface Recovery {
  join: AckReply<JoinAck>;
  synced: MessageView[];
  resent: MessageView[];
}

/**
 * One participant in one room, written the way docs/realtime.md tells clients to behave:
 * every message has a clientId; after a reconnect it joins again, asks room:sync for what came
 * after the last seq it has, and sends again (same clientId) what was never acknowledged.
 */
export class ChatClient {
  socket: Socket | undefined;
  memberId: string | undefined;
  /** Every message of the room this client has, by seq: received live, acknowledged, synced. */
  readonly known = new Map<number, MessageView>();
  /** Acknowledged sends, by clientId. */
  readonly acked = new Map<string, MessageView>();
  /** Sent (or written while offline) and never acknowledged: clientId → body. */
  readonly unacked = new Map<string, string>();
  private recovery: Promise<Recovery> | undefined;

  constructor(
    readonly participant: Participant,
    readonly roomId: string,
    readonly handle: string,
    private readonly jar: SocketJar,
  ) {}

  /**
   * A new connection. With `autoReconnect`, socket.io-client's own reconnection is on (to the
   * same URL) and every reconnection runs recover() by itself, as an app would.
   */
  async connect(baseUrl: string, options: { autoReconnect?: boolean } = {}): Promise<void> {
    this.socket?.disconnect();
    this.recovery = undefined;
    let socket: Socket;
    if (options.autoReconnect === true) {
      socket = io(`${baseUrl}/rooms`, {
        transports: ['websocket'],
        auth: { token: this.participant.token },
        forceNew: true,
        reconnection: true,
        reconnectionDelay: 200,
        reconnectionDelayMax: 1000,
        randomizationFactor: 0,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (err) => reject(err));
      });
      socket.on('connect', () => {
        this.recovery = this.recover();
        // Awaited by the test through recovered(); never an unhandled rejection meanwhile.
        this.recovery.catch(() => undefined);
      });
    } else {
      socket = await connectSocket(baseUrl, this.participant.token);
    }
    this.jar.add(socket);
    socket.on('message:new', (m: MessageView) => {
      if (m.roomId === this.roomId) this.known.set(m.seq, m);
    });
    this.socket = socket;
  }

  private get live(): Socket {
    if (this.socket === undefined) throw new Error(`${this.handle} is not connected`);
    return this.socket;
  }

  async joinReply(): Promise<AckReply<JoinAck>> {
    const reply = (await this.live
      .timeout(15_000)
      .emitWithAck('room:join', { roomId: this.roomId, handle: this.handle })) as AckReply<JoinAck>;
    if (reply.ok && reply.data !== undefined) {
      this.memberId = reply.data.self.memberId;
      for (const m of reply.data.messages) this.known.set(m.seq, m);
    }
    return reply;
  }

  async join(): Promise<JoinAck> {
    const reply = await this.joinReply();
    if (!reply.ok || reply.data === undefined)
      throw new Error(`join as ${this.handle} failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  }

  /** The seq up to which this client has every message (rooms here start empty). */
  lastSeq(): number {
    let seq = 0;
    while (this.known.has(seq + 1)) seq++;
    return seq;
  }

  /** Everything after `afterSeq`, page by page (room:sync answers at most 500 at a time). */
  async sync(afterSeq: number = this.lastSeq()): Promise<MessageView[]> {
    const all: MessageView[] = [];
    let after = afterSeq;
    for (;;) {
      const reply = (await this.live
        .timeout(15_000)
        .emitWithAck('room:sync', { roomId: this.roomId, afterSeq: after })) as AckReply<{
        messages: MessageView[];
        hasMore: boolean;
      }>;
      if (!reply.ok || reply.data === undefined)
        throw new Error(`sync failed: ${JSON.stringify(reply.error)}`);
      for (const m of reply.data.messages) this.known.set(m.seq, m);
      all.push(...reply.data.messages);
      if (!reply.data.hasMore || reply.data.messages.length === 0) return all;
      after = reply.data.messages.at(-1)?.seq ?? after;
    }
  }

  /** Keeps a message to send once back online (a client offline still lets people write). */
  write(body: string): string {
    const clientId = randomUUID();
    this.unacked.set(clientId, body);
    return clientId;
  }

  /** Sends; no answer (a dead server, a dropped connection) leaves it in `unacked`. */
  async send(
    body: string,
    clientId: string = randomUUID(),
  ): Promise<AckReply<SentMessage> | undefined> {
    this.unacked.set(clientId, body);
    let reply: AckReply<SentMessage>;
    try {
      reply = (await this.live.timeout(10_000).emitWithAck('message:send', {
        roomId: this.roomId,
        clientId,
        body,
      })) as AckReply<SentMessage>;
    } catch {
      return undefined;
    }
    if (reply.ok && reply.data !== undefined) {
      const stored = withoutRedactions(reply.data);
      this.unacked.delete(clientId);
      this.acked.set(clientId, stored);
      this.known.set(stored.seq, stored);
    } else if (!RETRYABLE.has(reply.error?.code ?? '')) {
      this.unacked.delete(clientId);
    }
    return reply;
  }

  async sendOk(body: string, clientId?: string): Promise<MessageView> {
    const reply = await this.send(body, clientId);
    if (reply?.ok !== true || reply.data === undefined)
      throw new Error(`send failed: ${JSON.stringify(reply ?? 'no answer')}`);
    return withoutRedactions(reply.data);
  }

  /** Sends again, with their first clientId, the messages never acknowledged. */
  async resendUnacked(): Promise<MessageView[]> {
    const resent: MessageView[] = [];
    for (const [clientId, body] of [...this.unacked])
      resent.push(await this.sendOk(body, clientId));
    return resent;
  }

  /** What an app does after a reconnect: join again, catch up, re-send. */
  async recover(): Promise<Recovery> {
    const afterSeq = this.lastSeq();
    const join = await this.joinReply();
    if (!join.ok) return { join, synced: [], resent: [] };
    const synced = await this.sync(afterSeq);
    return { join, synced, resent: await this.resendUnacked() };
  }

  /** The recovery that automatic reconnection started (waits for the reconnection first). */
  async recovered(timeoutMs = 60_000): Promise<Recovery> {
    await eventually(() => this.recovery !== undefined, `${this.handle} to reconnect`, timeoutMs);
    return this.recovery as Promise<Recovery>;
  }
}

/** The room's stored messages, straight from the table, in seq order. */
export interface StoredMessage {
  seq: number;
  client_id: string;
  member_id: string;
  id: string;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
