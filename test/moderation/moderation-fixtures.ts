/**
 * Shared helpers for the end-to-end tests of the facilitator tools (CONTRACT.md §1 and §3):
 * accounts and assignments made through the admin REST API, rooms through POST /rooms, people
 * joined over real socket.io clients, and direct SQL only for what no API offers (simulating
 * the passing of time, and checking what is stored).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { DEV_JWT_SECRET } from '../../src/config/config.js';
import { RoomJobsService } from '../../src/rooms/room-jobs.service.js';
import type { TestApp } from '../support/app.js';
import { ADMIN_ENV, api, login, type JsonResponse } from '../support/http.js';
import { createMeeting } from '../support/meetings.js';
import {
  connectSocket,
  emitAck,
  newParticipant,
  type AckReply,
  type Participant,
} from '../support/sockets.js';
import type {
  MemberView,
  MessageView,
  RoomStateView,
  JoinAck,
} from '../../src/rooms/room-events.js';
export type { MemberView, MessageView, RoomStateView, JoinAck };

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Head-room so that only the limit a test is about is ever hit. */
export const MOD_ENV: Record<string, string> = {
  ...ADMIN_ENV,
  PARTICIPANT_ISSUE_PER_MINUTE: '100000',
  MESSAGE_BURST: '1000',
  MESSAGES_PER_MINUTE: '100000',
  ROOM_SOCKETS_PER_ADDRESS: '100000',
  TOKEN_FAILURES_PER_MINUTE: '100000',
  ROOM_CONNECTS_PER_MINUTE: '10000000',
  ROOM_HANDSHAKE_REFUSALS_PER_MINUTE: '1000000',
};

export const FACILITATOR_PASSWORD = 'facilitator-password-1';

export interface ModerationEvent {
  roomId: string;
  action: 'muted' | 'unmuted' | 'kicked' | 'banned' | 'admitted';
  until?: string;
  reason?: string;
}

export interface ApiError {
  error: { code: string; message: string; details?: unknown[] };
}

export interface FacilitatorAccount {
  id: string;
  email: string;
  displayName: string;
  password: string;
  token: string;
}

/** Every socket a test file opens, so afterAll can close them all. */
export class SocketPool {
  private readonly sockets: Socket[] = [];

  add(socket: Socket): Socket {
    this.sockets.push(socket);
    return socket;
  }

  async connect(t: { baseUrl: string }, token: string | undefined): Promise<Socket> {
    return this.add(await connectSocket(t.baseUrl, token));
  }

  closeAll(): void {
    for (const socket of this.sockets) socket.disconnect();
    this.sockets.length = 0;
  }
}

export function db(t: TestApp): DataSource {
  return t.app.get(DataSource);
}

export async function sql<T = Record<string, unknown>>(
  t: TestApp,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return db(t).query<T[]>(text, params);
}

/** Polls until `check` returns something other than undefined (for state written after an ack). */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The contract's REST error shape with this status and code. */
export function expectApiError(res: JsonResponse<unknown>, status: number, code: string): void {
  expect({ status: res.status, code: (res.body as Partial<ApiError>).error?.code }).toEqual({
    status,
    code,
  });
}

export function expectAckError(reply: AckReply, code: string): void {
  expect(reply).toEqual({ ok: false, error: { code, message: expect.any(String) as string } });
}

export function ackData<T>(reply: AckReply<T>): T {
  if (!reply.ok || reply.data === undefined)
    throw new Error(`expected ok ack, got ${JSON.stringify(reply)}`);
  return reply.data;
}

/** A facilitator account made through POST /facilitators, signed in. */
export async function createFacilitator(
  t: TestApp,
  adminToken: string,
  name: string,
  role: 'facilitator' | 'admin' = 'facilitator',
): Promise<FacilitatorAccount> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${randomUUID().slice(0, 8)}@example.org`;
  const res = await api<{ id: string }>(t, 'POST', '/facilitators', {
    token: adminToken,
    body: { email, displayName: name, password: FACILITATOR_PASSWORD, role },
  });
  if (res.status !== 201)
    throw new Error(`create facilitator failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    id: res.body.id,
    email,
    displayName: name,
    password: FACILITATOR_PASSWORD,
    token: await login(t, email, FACILITATOR_PASSWORD),
  };
}

export async function assign(
  t: TestApp,
  adminToken: string,
  accountId: string,
  target: { groupId: string } | { meetingSlug: string } | { roomId: string },
): Promise<string> {
  const res = await api<{ id: string }>(t, 'POST', `/facilitators/${accountId}/assignments`, {
    token: adminToken,
    body: target,
  });
  if (res.status !== 201)
    throw new Error(`assignment failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** A room of its own (no meeting) that opened a minute ago. */
export async function openRoom(
  t: TestApp,
  token: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await api<{ id: string; status: string }>(t, 'POST', '/rooms', {
    token,
    body: { name, opensAt: new Date(Date.now() - 60_000).toISOString(), ...extra },
  });
  if (res.status !== 201 || res.body.status !== 'open')
    throw new Error(`room create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** A weekly meeting (through POST /meetings) in the named group. */
export async function groupMeeting(
  t: TestApp,
  adminToken: string,
  name: string,
  group: string,
  extra: Record<string, unknown> = {},
): Promise<{ slug: string }> {
  const meeting = await createMeeting(t, adminToken, {
    name,
    fellowship: 'na',
    day: 3,
    time: '19:00',
    timezone: 'America/New_York',
    conference_url: 'https://zoom.us/j/111222333',
    group,
    ...extra,
  });
  return { slug: meeting.slug as string };
}

/** A room that hosts the meeting, opened by hand now (whatever the meeting's schedule says). */
export async function meetingRoom(
  t: TestApp,
  token: string,
  meetingSlug: string,
  name = `Room of ${meetingSlug}`,
): Promise<string> {
  const created = await api<{ id: string }>(t, 'POST', '/rooms', {
    token,
    body: { name, meetingSlug },
  });
  if (created.status !== 201)
    throw new Error(`room create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const opened = await api<{ status: string }>(t, 'PATCH', `/rooms/${created.body.id}`, {
    token,
    body: { status: 'open' },
  });
  if (opened.status !== 200 || opened.body.status !== 'open')
    throw new Error(`room open failed: ${opened.status} ${JSON.stringify(opened.body)}`);
  return created.body.id;
}

export async function groupIdOfMeeting(t: TestApp, slug: string): Promise<string> {
  const rows = await sql<{ group_id: string | null }>(
    t,
    'SELECT group_id FROM meeting WHERE slug = $1',
    [slug],
  );
  const id = rows[0]?.group_id;
  if (id === undefined || id === null) throw new Error(`meeting ${slug} has no group`);
  return id;
}

export interface Person {
  socket: Socket;
  memberId: string;
  token: string;
  participantId: string;
  handle: string;
  join: JoinAck;
}

/** A new anonymous participant, connected and joined to the room. */
export async function joinParticipant(
  t: TestApp,
  pool: SocketPool,
  roomId: string,
  handle: string,
  participant?: Participant,
): Promise<Person> {
  const who = participant ?? (await newParticipant(t));
  const socket = await pool.connect(t, who.token);
  const joined = ackData(await emitAck<JoinAck>(socket, 'room:join', { roomId, handle }));
  return {
    socket,
    memberId: joined.self.memberId,
    token: who.token,
    participantId: who.participantId,
    handle,
    join: joined,
  };
}

/** An account (facilitator or admin) connected and joined to the room. */
export async function joinAccount(
  t: TestApp,
  pool: SocketPool,
  roomId: string,
  handle: string,
  token: string,
): Promise<{ socket: Socket; memberId: string; join: JoinAck }> {
  const socket = await pool.connect(t, token);
  const joined = ackData(await emitAck<JoinAck>(socket, 'room:join', { roomId, handle }));
  return { socket, memberId: joined.self.memberId, join: joined };
}

export async function send(
  socket: Socket,
  roomId: string,
  body: string,
): Promise<AckReply<MessageView>> {
  return emitAck<MessageView>(socket, 'message:send', { roomId, clientId: randomUUID(), body });
}

export async function sendOk(socket: Socket, roomId: string, body: string): Promise<MessageView> {
  return ackData(await send(socket, roomId, body));
}

/** The connect_error a handshake with this token gets (fails the test if it connects). */
export function connectError(
  baseUrl: string,
  token: string | undefined,
): Promise<{ message: string; data?: { code?: string } }> {
  const socket = io(`${baseUrl}/rooms`, {
    transports: ['websocket'],
    auth: token === undefined ? {} : { token },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new Error('neither connect nor connect_error within 10 s'));
    }, 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.disconnect();
      reject(new Error('the handshake was accepted'));
    });
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
      clearTimeout(timer);
      socket.disconnect();
      resolve({ message: err.message, ...(err.data === undefined ? {} : { data: err.data }) });
    });
  });
}

/** A facilitator access token signed with the right (development) secret, with chosen times. */
export async function mintAccessToken(
  accountId: string,
  times: { iat: number; exp: number },
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(accountId)
    .setIssuer('meetinghouse')
    .setAudience('meetinghouse:facilitator')
    .setIssuedAt(times.iat)
    .setExpirationTime(times.exp)
    .sign(new TextEncoder().encode(DEV_JWT_SECRET));
}

/** Runs the 15-second share-queue job now (expired floors, hands of members gone too long). */
export async function tickShareQueues(t: TestApp): Promise<void> {
  const jobs: unknown = t.app.get(RoomJobsService);
  // Private on purpose (it runs on a timer); called directly here instead of waiting 15 s.
  await (jobs as { tidyShareQueues(): Promise<void> }).tidyShareQueues();
}

/** Every event a socket receives from now on, in order, with its name. */
export function recordAll(socket: Socket): { event: string; payload: unknown }[] {
  const seen: { event: string; payload: unknown }[] = [];
  socket.onAny((event: string, payload: unknown) => seen.push({ event, payload }));
  return seen;
}

export async function auditOf(
  t: TestApp,
  token: string,
  roomId: string,
): Promise<
  {
    id: string;
    at: string;
    actor: { id: string; displayName: string };
    action: string;
    roomId: string;
    memberId?: string;
    messageId?: string;
    reason?: string;
  }[]
> {
  const res = await api<{
    items: {
      id: string;
      at: string;
      actor: { id: string; displayName: string };
      action: string;
      roomId: string;
      memberId?: string;
      messageId?: string;
      reason?: string;
    }[];
  }>(t, 'GET', `/moderation/audit?roomId=${roomId}&limit=100`, { token });
  if (res.status !== 200)
    throw new Error(`audit failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
