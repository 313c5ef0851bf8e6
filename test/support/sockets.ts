import { io, type Socket } from 'socket.io-client';
import type { TestApp } from './app.js';
import { api } from './http.js';
import { CANARY_HEADERS, recordOutgoing, recordSecret } from './run-record.js';

export interface Participant {
  participantId: string;
  token: string;
  expiresAt: string;
}

export async function newParticipant(t: TestApp): Promise<Participant> {
  const res = await api<Participant>(t, 'POST', '/participants');
  if (res.status !== 201)
    throw new Error(`participant issue failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A connected socket.io client on /rooms (websocket only, as the service requires). */
export async function connectSocket(baseUrl: string, token: string | undefined): Promise<Socket> {
  const socket = io(`${baseUrl}/rooms`, {
    transports: ['websocket'],
    auth: token === undefined ? {} : { token },
    reconnection: false,
    forceNew: true,
    extraHeaders: { ...CANARY_HEADERS },
  });
  recordSecret('token', token);
  // Handles, bodies and names the tests send: the run's log audit looks for them.
  socket.onAnyOutgoing((event: string, payload: unknown) => recordOutgoing(event, payload));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return socket;
}

export interface AckReply<T = unknown> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string };
}

/** Emits with an ack and waits for it (failing the test after `timeoutMs`). */
export function emitAck<T = unknown>(
  socket: Socket,
  event: string,
  ...args: unknown[]
): Promise<AckReply<T>> {
  return socket.timeout(10_000).emitWithAck(event, ...args) as Promise<AckReply<T>>;
}

/** Resolves with the next `event` the socket receives (optionally the first matching `filter`). */
export function nextEvent<T = unknown>(
  socket: Socket,
  event: string,
  filter: (payload: T) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (payload: T): void => {
      if (!filter(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(payload);
    };
    socket.on(event, handler);
  });
}

/** Collects every `event` the socket receives from now on. */
export function collect<T = unknown>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}
