/**
 * Shared helpers for the end-to-end room tests: rooms made through the REST API, participants
 * joined over real socket.io clients, direct SQL for set-up and for checking what is stored.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import type { TestApp } from '../support/app.js';
import { ADMIN_ENV, api } from '../support/http.js';
import {
  connectSocket,
  emitAck,
  newParticipant,
  nextEvent,
  type AckReply,
  type Participant,
} from '../support/sockets.js';
import type {
  JoinAck,
  MemberView,
  MessageView,
  RoomStateView,
  SentMessageAck,
} from '../../src/rooms/room-events.js';
export type { MemberView, MessageView, RoomStateView, JoinAck };

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/** Enough head-room that only the limit under test is ever hit. */
export const ROOMS_ENV: Record<string, string> = {
  ...ADMIN_ENV,
  PARTICIPANT_ISSUE_PER_MINUTE: '100000',
  MESSAGE_BURST: '1000',
  MESSAGES_PER_MINUTE: '100000',
  ROOM_SOCKETS_PER_ADDRESS: '100000',
  TOKEN_FAILURES_PER_MINUTE: '100000',
  ROOM_CONNECTS_PER_MINUTE: '10000000',
  ROOM_HANDSHAKE_REFUSALS_PER_MINUTE: '1000000',
};

export type SentMessage = SentMessageAck;

export interface PresenceEvent {
  roomId: string;
  members: MemberView[];
}

export interface RoomDto {
  id: string;
  name: string;
  meetingSlug: string | null;
  status: 'scheduled' | 'open' | 'closed';
  opensAt: string | null;
  closesAt: string | null;
  memberCount: number;
  locked: boolean;
  retentionDays: number;
}

/** Every socket a test opens, so that afterAll can close them all. */
export class SocketJar {
  private readonly sockets: Socket[] = [];

  add(socket: Socket): Socket {
    this.sockets.push(socket);
    return socket;
  }

  closeAll(): void {
    for (const socket of this.sockets) socket.disconnect();
    this.sockets.length = 0;
  }
}

/** Creates a room through the API; by default a standalone room that opened a minute ago. */
export async function createRoom(
  t: TestApp,
  adminToken: string,
  body: Record<string, unknown> = {},
): Promise<RoomDto> {
  const res = await api<RoomDto>(t, 'POST', '/rooms', {
    token: adminToken,
    body: {
      name: `Room ${randomUUID().slice(0, 8)}`,
      opensAt: new Date(Date.now() - 60_000).toISOString(),
      ...body,
    },
  });
  if (res.status !== 201)
    throw new Error(`room create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface Joined {
  socket: Socket;
  participant: Participant;
  self: MemberView;
  ack: JoinAck;
}

/** A new participant on a new socket, joined to the room (throws when the join is refused). */
export async function joinAs(
  t: TestApp,
  jar: SocketJar,
  roomId: string,
  handle: string,
  options: { participant?: Participant; baseUrl?: string } = {},
): Promise<Joined> {
  const participant = options.participant ?? (await newParticipant(t));
  const socket = jar.add(await connectSocket(options.baseUrl ?? t.baseUrl, participant.token));
  const reply = await emitAck<JoinAck>(socket, 'room:join', { roomId, handle });
  if (!reply.ok || reply.data === undefined)
    throw new Error(`join as ${handle} failed: ${JSON.stringify(reply.error)}`);
  return { socket, participant, self: reply.data.self, ack: reply.data };
}

/** A socket with arbitrary handshake auth; resolves with the connect_error or the socket. */
export function connectRaw(
  baseUrl: string,
  auth: Record<string, unknown>,
): Promise<{ socket: Socket; error?: Error & { data?: { code?: string; message?: string } } }> {
  const socket = io(`${baseUrl}/rooms`, {
    transports: ['websocket'],
    auth,
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
      socket.disconnect();
      resolve({ socket, error });
    });
  });
}

export function send(
  socket: Socket,
  roomId: string,
  body: string,
  clientId: string = randomUUID(),
): Promise<AckReply<SentMessage>> {
  return emitAck<SentMessage>(socket, 'message:send', { roomId, clientId, body });
}

/** Sends and insists on success. */
export async function sendOk(
  socket: Socket,
  roomId: string,
  body: string,
  clientId?: string,
): Promise<SentMessage> {
  const reply = await send(socket, roomId, body, clientId);
  if (!reply.ok || reply.data === undefined)
    throw new Error(`send failed: ${JSON.stringify(reply.error)}`);
  return reply.data;
}

export function expectFailure(reply: AckReply, code: string): void {
  expect(reply).toEqual({ ok: false, error: { code, message: expect.any(String) as string } });
}

/**
 * A round trip on one socket. Everything the server wrote to this socket before it handled this
 * request arrives before the answer. Broadcasts go through the Postgres adapter first, so this
 * proves a broadcast missed the socket only once a witness socket on the same instance has
 * received that broadcast (local delivery to every socket of a channel happens at once).
 */
export async function roundTrip(socket: Socket): Promise<void> {
  const reply = await emitAck(socket, 'room:sync', { roomId: randomUUID(), afterSeq: 0 });
  if (reply.ok) throw new Error('round trip: a sync of an unknown room succeeded');
}

/**
 * A message from `sender`, awaited on every witness: broadcasts made before it have (in practice)
 * been delivered by then, so what a witness has not received by now it will not receive.
 */
export async function barrier(
  sender: Socket,
  roomId: string,
  witnesses: Socket[],
): Promise<SentMessage> {
  const clientId = randomUUID();
  const arrivals = witnesses.map((w) =>
    nextEvent<MessageView>(w, 'message:new', (m) => m.clientId === clientId),
  );
  const sent = await sendOk(sender, roomId, `barrier ${clientId.slice(0, 8)}`, clientId);
  await Promise.all(arrivals);
  return sent;
}

/** Resolves when the socket receives message:new for this body (or clientId). */
export function messageArrives(socket: Socket, match: string): Promise<MessageView> {
  return nextEvent<MessageView>(
    socket,
    'message:new',
    (m) => m.body === match || m.clientId === match,
  );
}

/** Every event a socket receives, in order, as [event, payload]. */
export function recordAll(socket: Socket): [string, unknown][] {
  const seen: [string, unknown][] = [];
  socket.onAny((event: string, payload: unknown) => {
    seen.push([event, payload]);
  });
  return seen;
}

export function waitForPresence(
  socket: Socket,
  roomId: string,
  accept: (members: MemberView[]) => boolean,
  timeoutMs = 10_000,
): Promise<PresenceEvent> {
  return nextEvent<PresenceEvent>(
    socket,
    'presence',
    (p) => p.roomId === roomId && accept(p.members),
    timeoutMs,
  );
}

export const hasMember =
  (memberId: string) =>
  (members: MemberView[]): boolean =>
    members.some((m) => m.memberId === memberId);

export const lacksMember =
  (memberId: string) =>
  (members: MemberView[]): boolean =>
    !members.some((m) => m.memberId === memberId);

/** One query on the test's database, on a connection of its own. */
export async function sql<T = Record<string, unknown>>(
  databaseUrl: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Stores `count` messages by `memberId` straight into the table, with seqs that continue the
 * room's own counter (room.last_seq moves with them), as if they had been sent.
 */
export async function insertMessages(
  databaseUrl: string,
  roomId: string,
  memberId: string,
  count: number,
): Promise<void> {
  await sql(
    databaseUrl,
    `WITH r AS (UPDATE room SET last_seq = last_seq + $3 WHERE id = $1 RETURNING last_seq)
     INSERT INTO message (room_id, seq, member_id, client_id, body, author_handle, author_role)
     SELECT $1, r.last_seq - $3 + g, $2, gen_random_uuid(), 'bulk message ' || (r.last_seq - $3 + g),
            m.handle, m.role
     FROM r, generate_series(1, $3::int) g, room_member m WHERE m.id = $2`,
    [roomId, memberId, count],
  );
}

export function seqs(messages: { seq: number }[]): number[] {
  return messages.map((m) => m.seq);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves when the socket is disconnected (at once if it already is). */
export function disconnected(socket: Socket, timeoutMs = 10_000): Promise<string> {
  if (!socket.connected) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('still connected')), timeoutMs);
    socket.once('disconnect', (reason: string) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Never rejects: for a promise that is awaited only after other assertions. */
export function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** Polls a condition (of the database, say) until it holds. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
  everyMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** A send's ack without its sender-only `redactions`: what everyone else sees. */
export function withoutRedactions(sent: MessageView & { redactions?: unknown }): MessageView {
  const view = { ...sent };
  delete view.redactions;
  return view;
}
