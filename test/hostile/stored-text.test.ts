/**
 * Stored text is data, never interpreted: HTML, SQL and template-looking text written through the
 * API comes back byte for byte through every way of reading it (socket acks, broadcasts, history,
 * REST, the Meeting Guide feed, search), and the server-rendered home page shows it escaped.
 */
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, login } from '../support/http.js';
import { createMeeting } from '../support/meetings.js';
import { emitAck, nextEvent } from '../support/sockets.js';
import {
  createRoom,
  joinAs,
  ROOMS_ENV,
  sendOk,
  SocketJar,
  type MemberView,
  type MessageView,
  type RoomDto,
} from '../rooms/room-fixtures.js';

const SCRIPT = '<script>alert(1)</script>';
const SQL = "'; DROP TABLE meeting; --";

/** Message bodies that must come back exactly as sent (none looks like contact details). */
const BODIES = [
  SCRIPT,
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  '</script><script>alert(document.cookie)</script>',
  '{{constructor.constructor("alert(1)")()}} ${7*7} #{7*7}',
  '&lt;b&gt; &amp; &#60;script&#62; \\u003cscript\\u003e',
  SQL,
  "' OR '1'='1' UNION SELECT token_hash FROM participant --",
  "$1 $& $` $' %s %n %x",
  'tab\there, quotes "double" \'single\' `back`, backslash \\ end',
  '\u202eevil\u202c 𝕳𝖊𝖑𝖑𝖔 👩‍👩‍👧‍👦 e\u0301',
];

interface ReportItem {
  reason: string;
  message: { body: string | null } | null;
}

describe('stored text comes back as the same text', () => {
  let t: TestApp;
  let admin: string;
  const jar = new SocketJar();

  beforeAll(async () => {
    t = await startTestApp({ env: ROOMS_ENV });
    admin = await login(t);
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  test('message bodies: the ack, the broadcast, history, sync and the report queue (REST) all return what was sent', async () => {
    const room = await createRoom(t, admin);
    const alice = await joinAs(t, jar, room.id, 'Alice');
    const bob = await joinAs(t, jar, room.id, 'Bob');
    const sent: MessageView[] = [];
    for (const body of BODIES) {
      const heard = nextEvent<MessageView>(
        bob.socket,
        'message:new',
        (m) => m.author.memberId === alice.self.memberId && m.seq === sent.length + 1,
      );
      const ack = await sendOk(alice.socket, room.id, body);
      expect({ body: ack.body, redactions: ack.redactions }).toEqual({ body, redactions: [] });
      expect((await heard).body).toBe(body);
      sent.push(ack);
    }
    const history = await emitAck<{ messages: MessageView[] }>(alice.socket, 'message:history', {
      roomId: room.id,
      limit: 100,
    });
    expect(history.data?.messages.map((m) => m.body)).toEqual(BODIES);
    const sync = await emitAck<{ messages: MessageView[] }>(bob.socket, 'room:sync', {
      roomId: room.id,
      afterSeq: 0,
    });
    expect(sync.data?.messages.map((m) => m.body)).toEqual(BODIES);

    // A report carries the message to the facilitators' REST queue: still the same text.
    const scriptMessage = sent[0] as MessageView;
    const reported = await emitAck(bob.socket, 'message:report', {
      roomId: room.id,
      messageId: scriptMessage.id,
      reason: '<img src=x onerror=alert(1)>',
    });
    expect(reported.ok).toBe(true);
    const reports = await api<{ items: ReportItem[] }>(
      t,
      'GET',
      `/moderation/reports?roomId=${room.id}`,
      { token: admin },
    );
    expect(reports.status).toBe(200);
    expect(reports.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reports.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reports.body.items.map((r) => ({ reason: r.reason, body: r.message?.body }))).toEqual([
      { reason: '<img src=x onerror=alert(1)>', body: SCRIPT },
    ]);
  });

  test('handles: the join ack, presence and message authors carry the handle as typed', async () => {
    const room = await createRoom(t, admin);
    const handle = '<b>Sam</b> & "Jo"';
    const other = await joinAs(t, jar, room.id, 'Witness');
    const seen = nextEvent<{ members: MemberView[] }>(other.socket, 'presence', (p) =>
      p.members.some((m) => m.handle === handle),
    );
    const sam = await joinAs(t, jar, room.id, handle);
    expect(sam.self.handle).toBe(handle);
    expect((await seen).members.map((m) => m.handle).sort()).toEqual([handle, 'Witness'].sort());
    const message = await sendOk(sam.socket, room.id, 'hello');
    expect(message.author.handle).toBe(handle);
  });

  test('room name and guidelines: POST, GET (one and list), PATCH and the join ack return them unchanged', async () => {
    const guidelines = `${SCRIPT}\n<a href="javascript:alert(1)">rules</a> & "quotes" ${SQL}`;
    const room = await createRoom(t, admin, { name: SCRIPT, guidelines });
    expect({
      name: room.name,
      guidelines: (room as RoomDto & { guidelines: string }).guidelines,
    }).toEqual({ name: SCRIPT, guidelines });
    const one = await api<RoomDto & { guidelines: string }>(t, 'GET', `/rooms/${room.id}`);
    expect({ name: one.body.name, guidelines: one.body.guidelines }).toEqual({
      name: SCRIPT,
      guidelines,
    });
    const list = await api<{ items: RoomDto[] }>(t, 'GET', '/rooms?limit=100');
    expect(list.body.items.find((r) => r.id === room.id)?.name).toBe(SCRIPT);
    const joined = await joinAs(t, jar, room.id, 'Reader');
    expect(joined.ack.room.name).toBe(SCRIPT);

    const renamed = await api<RoomDto>(t, 'PATCH', `/rooms/${room.id}`, {
      token: admin,
      body: { name: SQL },
    });
    expect(renamed.body.name).toBe(SQL);
    expect((await api<RoomDto>(t, 'GET', `/rooms/${room.id}`)).body.name).toBe(SQL);
  });

  test('meeting name, notes and location: the meeting, search, the Meeting Guide feed return them unchanged', async () => {
    const name = `${SCRIPT} Hope Group`;
    const notes = `<img src=x onerror=alert(1)> ${SQL} $' $\``;
    const location = '"><svg onload=alert(1)> Hall';
    const created = await createMeeting(t, admin, {
      name,
      notes,
      location,
      address: '1 Main St',
      city: 'Springfield',
      fellowship: 'na',
      day: 2,
      time: '19:00',
      timezone: 'America/New_York',
    });
    const slug = created.slug as string;
    expect({ name: created.name, notes: created.notes, location: created.location }).toEqual({
      name,
      notes,
      location,
    });
    const one = await api<Record<string, unknown>>(t, 'GET', `/meetings/${slug}`);
    expect({ name: one.body.name, notes: one.body.notes, location: one.body.location }).toEqual({
      name,
      notes,
      location,
    });
    const found = await api<{ items: Record<string, unknown>[] }>(
      t,
      'GET',
      `/meetings?q=${encodeURIComponent('script hope')}`,
    );
    expect(found.status).toBe(200);
    expect(found.body.items.map((m) => [m.slug, m.name, m.notes])).toEqual([[slug, name, notes]]);
    const feed = await api<Record<string, unknown>[]>(t, 'GET', '/feeds/meeting-guide.json');
    expect(
      feed.body.filter((m) => m.slug === slug).map((m) => [m.name, m.notes, m.location]),
    ).toEqual([[name, notes, location]]);
  });

  test('SQL-looking text is stored and searched as text: a search for it answers 200 and finds it, and the tables are intact', async () => {
    const created = await createMeeting(t, admin, {
      name: SQL,
      notes: "Robert'); DROP TABLE participant;--",
      conference_url: 'https://zoom.us/j/123456789',
      fellowship: 'aa',
      day: 4,
      time: '12:00',
      timezone: 'Europe/London',
    });
    for (const q of [SQL, "Robert'); DROP TABLE participant;--", "%' OR 1=1 --", '\\', '%', '_']) {
      const res = await api<{ items: { slug: string }[] }>(
        t,
        'GET',
        `/meetings?q=${encodeURIComponent(q)}&limit=100`,
      );
      expect({ q, status: res.status }).toEqual({ q, status: 200 });
      if (q === SQL || q.startsWith('Robert'))
        expect(res.body.items.map((m) => m.slug)).toContain(created.slug);
    }
    // Wildcards match themselves only: nothing here contains a literal % or _ or backslash.
    for (const q of ['%', '_', '\\']) {
      const res = await api<{ items: unknown[] }>(t, 'GET', `/meetings?q=${encodeURIComponent(q)}`);
      expect({ q, found: res.body.items.length }).toEqual({ q, found: 0 });
    }
    // Still there: the meeting table (searched above) and the participant table (a new identity).
    expect((await api(t, 'GET', `/meetings/${created.slug as string}`)).status).toBe(200);
    expect((await api(t, 'POST', '/participants')).status).toBe(201);
  });

  test('the home page shows a hostile meeting name escaped, and `$` patterns are not expanded', async () => {
    // In progress right now (started ten minutes ago, UTC), so it is on the server-rendered page.
    const start = new Date(Date.now() - 10 * 60_000);
    const hh = String(start.getUTCHours()).padStart(2, '0');
    const mm = String(start.getUTCMinutes()).padStart(2, '0');
    const marker = randomUUID().slice(0, 8);
    const name = `${SCRIPT} ${marker} $' $\` $& $$ end`;
    await createMeeting(t, admin, {
      name,
      conference_url: 'https://zoom.us/j/987654321',
      fellowship: 'na',
      day: start.getUTCDay(),
      time: `${hh}:${mm}`,
      timezone: 'UTC',
    });
    const res = await fetch(`${t.baseUrl}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const escaped = name.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    expect(html).toContain(`<span class="meeting-name">${escaped}</span>`);
    expect(html).not.toContain(SCRIPT);
    // The page's own markup appears once: a `$\`` in the name did not paste the page's head in.
    expect(html.match(/<main id="main"/g)).toHaveLength(1);
    expect(html.match(/<!doctype html>/gi)).toHaveLength(1);
    // The first view's data is the JSON of the meetings, names intact, inside one script element.
    const data =
      /<script type="application\/json" id="initial-data">\s*(\{.*?\})\s*<\/script>/s.exec(html);
    expect(data).not.toBeNull();
    const parsed = JSON.parse((data as RegExpExecArray)[1] as string) as {
      inProgress: { name: string }[];
    };
    expect(parsed.inProgress.map((m) => m.name)).toContain(name);
  });

  test('lone surrogates cannot be stored as UTF-8: they become U+FFFD, the same in the ack, the broadcast and history', async () => {
    const room = await createRoom(t, admin);
    const alice = await joinAs(t, jar, room.id, 'Alice');
    const bob = await joinAs(t, jar, room.id, 'Bob');
    const clientId = randomUUID();
    const heard = nextEvent<MessageView>(bob.socket, 'message:new', (m) => m.clientId === clientId);
    const ack = await sendOk(alice.socket, room.id, 'a\ud800b\udfffc', clientId);
    const stored = 'a\ufffdb\ufffdc';
    expect(ack.body).toBe(stored);
    expect((await heard).body).toBe(stored);
    const history = await emitAck<{ messages: MessageView[] }>(bob.socket, 'message:history', {
      roomId: room.id,
    });
    expect(history.data?.messages.map((m) => m.body)).toEqual([stored]);
  });
});
