/**
 * Anonymity on the wire (issue 7, item 5): in a room with several participants and a
 * facilitator, every server→client event of the contract is made to happen, and every packet
 * each client receives (events and acks, plus the facilitator's REST views of the room) is
 * recorded. None may carry a participantId or a token (another member's, or the client's own):
 * people are known in a room only by a memberId scoped to that room, and the same person has
 * unrelated memberIds in two rooms.
 */
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, login } from '../support/http.js';
import { createMeeting } from '../support/meetings.js';
import { emitAck, newParticipant, nextEvent, type Participant } from '../support/sockets.js';
import {
  ackData,
  assign,
  createFacilitator,
  meetingRoom,
  MOD_ENV,
  openRoom,
  SocketPool,
  sql,
  type FacilitatorAccount,
  type JoinAck,
  type MessageView,
  type ModerationEvent,
} from '../moderation/moderation-fixtures.js';

/** Every server→client event: the contract's, and the two this service adds for facilitators. */
const SERVER_EVENTS = [
  'message:new',
  'message:deleted',
  'presence',
  'typing',
  'room:state',
  'moderation',
  'safety',
  'report:new',
  'room:closed',
  'room:waiting',
  'safety:alert',
];

interface Client {
  name: string;
  socket: Socket;
  /** What the server sent this client: events as they came, and the ack of each request. */
  packets: { event: string; payload: unknown }[];
}

function hhmm(date: Date): string {
  return `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`;
}

describe('what participants and facilitators receive in a room', () => {
  let t: TestApp;
  let admin: string;
  let facilitator: FacilitatorAccount;
  const pool = new SocketPool();
  const clients: Client[] = [];
  const people = new Map<string, Participant>();
  let roomId: string;
  let otherRoomId: string;
  const memberIds = new Map<string, string>();

  async function connect(name: string, token: string): Promise<Client> {
    const socket = await pool.connect(t, token);
    const client: Client = { name, socket, packets: [] };
    socket.onAny((event: string, ...args: unknown[]) =>
      client.packets.push({ event, payload: args }),
    );
    clients.push(client);
    return client;
  }

  async function ask<T = unknown>(client: Client, event: string, payload: unknown): Promise<T> {
    const reply = await emitAck<T>(client.socket, event, payload);
    client.packets.push({ event: `ack of ${event}`, payload: reply });
    return ackData(reply);
  }

  async function participant(name: string): Promise<Client> {
    const who = await newParticipant(t);
    people.set(name, who);
    return connect(name, who.token);
  }

  async function join(client: Client, room: string, handle: string): Promise<string> {
    const joined = await ask<JoinAck>(client, 'room:join', { roomId: room, handle });
    return joined.self.memberId;
  }

  let host: Client;
  let ana: Client;
  let ben: Client;
  let cy: Client;
  let dee: Client;

  beforeAll(async () => {
    t = await startTestApp({ env: { ...MOD_ENV, ATTENDANCE_MIN_MINUTES: '1' } });
    admin = await login(t);
    // A meeting in progress, so that an attendance certificate can be had in its room.
    const started = new Date(Date.now() - 10 * 60_000);
    const meeting = await createMeeting(t, admin, {
      name: 'Payload Check Meeting',
      fellowship: 'na',
      day: started.getUTCDay(),
      time: hhmm(started),
      timezone: 'UTC',
      conference_url: 'https://zoom.us/j/555000222',
    });
    roomId = await meetingRoom(t, admin, meeting.slug as string, 'Payload room');
    otherRoomId = await openRoom(t, admin, 'Another room');
    facilitator = await createFacilitator(t, admin, 'Rivers');
    await assign(t, admin, facilitator.id, { roomId });

    host = await connect('facilitator', facilitator.token);
    memberIds.set('host', await join(host, roomId, 'Host Rivers'));
    ana = await participant('ana');
    ben = await participant('ben');
    cy = await participant('cy');
    dee = await participant('dee');
    for (const [client, handle] of [
      [ana, 'Ana'],
      [ben, 'Ben'],
      [cy, 'Cy'],
    ] as const) {
      memberIds.set(client.name, await join(client, roomId, handle));
    }
  });

  afterAll(async () => {
    pool.closeAll();
    await t.close();
  });

  test('every server event happens, and each client records what it receives', async () => {
    // Messages, typing, a crisis message (safety to the sender, an alert to the facilitator).
    const greeting = await ask<MessageView>(ana, 'message:send', {
      roomId,
      clientId: crypto.randomUUID(),
      body: 'Good morning, glad to be here',
    });
    // Typing notices are volatile (dropped rather than queued), so ask again until one arrives.
    let typed = false;
    for (let attempt = 0; attempt < 5 && !typed; attempt++) {
      const arrival = nextEvent(ben.socket, 'typing', () => true, 2000).then(
        () => true,
        () => false,
      );
      ana.socket.emit('typing', { roomId });
      typed = await arrival;
    }
    expect(typed).toBe(true);
    const alert = nextEvent(host.socket, 'safety:alert');
    const safety = nextEvent(ben.socket, 'safety');
    const crisis = await ask<MessageView>(ben, 'message:send', {
      roomId,
      clientId: crypto.randomUUID(),
      body: 'I want to kill myself tonight',
    });
    await Promise.all([alert, safety]);

    // The share queue and the floor, a pinned message.
    await ask(ana, 'hand:raise', { roomId });
    await ask(cy, 'hand:raise', { roomId });
    await ask(host, 'share:next', { roomId });
    await ask(host, 'share:end', { roomId });
    await ask(host, 'mod:pin', { roomId, messageId: greeting.id });

    // A report, history and sync.
    const reported = nextEvent(host.socket, 'report:new');
    await ask(cy, 'message:report', { roomId, messageId: greeting.id, reason: 'seems off topic' });
    await reported;
    await ask(cy, 'room:sync', { roomId, afterSeq: 0 });
    await ask(cy, 'message:history', { roomId });

    // Moderation of one member at a time.
    const benId = memberIds.get('ben')!;
    await ask(host, 'mod:mute', { roomId, memberId: benId, minutes: 5, reason: 'cool down' });
    await ask(host, 'mod:unmute', { roomId, memberId: benId });
    await ask(host, 'mod:delete', { roomId, messageId: crisis.id, reason: 'handled privately' });

    // The waiting room: a newcomer waits, the facilitator sees and admits them.
    await ask(host, 'room:update', { roomId, waitingRoom: true });
    const waiting = nextEvent<{ members: { memberId: string }[] }>(
      host.socket,
      'room:waiting',
      (w) => w.members.length > 0,
    );
    const refused = await emitAck(dee.socket, 'room:join', { roomId, handle: 'Dee' });
    dee.packets.push({ event: 'ack of room:join', payload: refused });
    expect(refused.error?.code).toBe('WAITING_FOR_ADMISSION');
    const deeId = (await waiting).members[0]!.memberId;
    const admitted = nextEvent<ModerationEvent>(dee.socket, 'moderation');
    await ask(host, 'mod:admit', { roomId, memberId: deeId });
    expect((await admitted).action).toBe('admitted');
    memberIds.set('dee', await join(dee, roomId, 'Dee'));
    await ask(host, 'room:update', { roomId, waitingRoom: false });

    // Kick and ban.
    const kicked = nextEvent<ModerationEvent>(
      cy.socket,
      'moderation',
      (m) => m.action === 'kicked',
    );
    await ask(host, 'mod:kick', { roomId, memberId: memberIds.get('cy'), reason: 'spamming' });
    await kicked;
    const banned = nextEvent<ModerationEvent>(
      dee.socket,
      'moderation',
      (m) => m.action === 'banned',
    );
    await ask(host, 'mod:ban', { roomId, memberId: deeId, reason: 'harassment' });
    await banned;

    // An attendance certificate (presence credited in the database to stand in for time spent).
    await sql(t, 'UPDATE room_member SET present_seconds = 3600 WHERE id = $1', [
      memberIds.get('ana'),
    ]);
    await ask(ana, 'attendance:certificate', { roomId, nameOnCertificate: 'Ana Example' });

    // The same people in another room.
    memberIds.set('ana elsewhere', await join(ana, otherRoomId, 'Ana'));
    memberIds.set('ben elsewhere', await join(ben, otherRoomId, 'Ben'));

    // The room closes on everyone still in it.
    const closed = [ana, ben].map((c) => nextEvent(c.socket, 'room:closed'));
    await ask(host, 'room:close', { roomId });
    await Promise.all(closed);

    const seen = new Set(clients.flatMap((c) => c.packets.map((p) => p.event)));
    expect(SERVER_EVENTS.filter((e) => !seen.has(e))).toEqual([]);
  });

  test('the facilitator’s REST views of the room carry memberIds only', async () => {
    for (const path of [
      `/rooms/${roomId}`,
      `/moderation/reports?roomId=${roomId}`,
      `/moderation/audit?roomId=${roomId}`,
    ]) {
      const res = await api(t, 'GET', path, { token: facilitator.token });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      host.packets.push({ event: `GET ${path}`, payload: res.body });
    }
    const audit = host.packets.find((p) => p.event.startsWith('GET /moderation/audit'));
    expect(JSON.stringify(audit?.payload)).toContain(memberIds.get('ben'));
  });

  /** Each packet that carries something the recipient must not see, as "who got what in which". */
  function offences(list: Client[]): string[] {
    const participantIds = [...people.values()].map((p) => p.participantId);
    const tokens = [...people.values()].map((p) => p.token);
    const found: string[] = [];
    for (const client of list) {
      const forbidden = [
        ...participantIds.map((id) => ['participantId', id] as const),
        ...tokens.map((token) => ['participant token', token] as const),
        ['access token', facilitator.token] as const,
        ['access token', admin] as const,
        // Staff account ids are for staff screens (the audit log), not for participants.
        ...(client === host ? [] : [['account id', facilitator.id] as const]),
      ];
      for (const packet of client.packets) {
        const text = JSON.stringify(packet.payload).toLowerCase();
        for (const [what, value] of forbidden) {
          if (text.includes(value.toLowerCase()))
            found.push(`${client.name} got a ${what} in ${packet.event}`);
        }
      }
    }
    return found;
  }

  test('no packet carries a participantId or a token, the recipient’s own included', () => {
    expect(offences(clients)).toEqual([]);
    // Not vacuous: every client received plenty, and the check does see a planted id.
    for (const client of clients)
      expect({ client: client.name, some: client.packets.length > 3 }).toEqual({
        client: client.name,
        some: true,
      });
    const planted: Client = {
      name: 'planted',
      socket: ana.socket,
      packets: [
        { event: 'presence', payload: { who: people.get('ben')!.participantId.toUpperCase() } },
      ],
    };
    expect(offences([planted])).toEqual(['planted got a participantId in presence']);
  });

  test('memberIds are per room: the same person has unrelated ones in two rooms', () => {
    const [anaHere, anaThere] = [memberIds.get('ana'), memberIds.get('ana elsewhere')];
    const [benHere, benThere] = [memberIds.get('ben'), memberIds.get('ben elsewhere')];
    expect(new Set([anaHere, anaThere, benHere, benThere]).size).toBe(4);
    for (const [name, participantData] of people) {
      for (const [label, memberId] of memberIds) {
        if (label.startsWith(name)) expect(memberId).not.toBe(participantData.participantId);
      }
    }
    // What ana's second room told her mentions no memberId of the first room.
    const firstRoomIds = ['ana', 'ben', 'cy', 'dee', 'host'].map((k) => memberIds.get(k)!);
    const elsewhere = ana.packets
      .filter((p) => JSON.stringify(p.payload).includes(otherRoomId))
      .map((p) => JSON.stringify(p.payload));
    expect(elsewhere.length).toBeGreaterThan(0);
    for (const id of firstRoomIds) expect(elsewhere.join('\n')).not.toContain(id);
  });
});
