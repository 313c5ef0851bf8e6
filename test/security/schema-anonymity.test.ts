/**
 * Anonymity in the database (issue 7, item 5; CONTRACT.md §1: "No name, email, phone, or IP is
 * stored. The token is stored only hashed."). The schema is read from information_schema after
 * every migration, so a new migration that adds such a column fails here. The rule, explicitly:
 *
 * - participant data (tables about anonymous participants: who they are, where they are, what
 *   they wrote, what was done about them) has no column for a network address, user agent,
 *   email, phone, device fingerprint, location or real name;
 * - facilitator and admin accounts are staff, not participants: `account.email` is allowed
 *   (it is how they sign in), and it is the only email column outside the meeting directory;
 * - the meeting directory is public data about venues, so its address and phone columns are
 *   the meeting's (where it is held, how to dial in), never a person's;
 * - no column anywhere has a network-address type (inet, cidr, macaddr);
 * - every table is in exactly one of these groups, so a new table needs a decision.
 *
 * Then, data: after a participant has joined, written and asked for a certificate with a name,
 * from a client that sent a user agent and a forwarded address, no row of any table holds the
 * token, the address, the user agent or the name.
 */
import pg from 'pg';
import { createTestDatabase } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { login } from '../support/http.js';
import { createMeeting } from '../support/meetings.js';
import { CANARY_CLIENT_ADDRESS, CANARY_USER_AGENT } from '../support/run-record.js';
import { emitAck } from '../support/sockets.js';
import {
  ackData,
  joinParticipant,
  meetingRoom,
  MOD_ENV,
  sendOk,
  SocketPool,
  sql,
} from '../moderation/moderation-fixtures.js';

const PARTICIPANT_TABLES = [
  'participant',
  'room_member',
  'message',
  'message_report',
  'ban',
  'moderation_audit',
  'room_connection',
  // Public as a listing, but it points at members (the floor, the pinned message).
  'room',
];
const STAFF_TABLES = ['account', 'facilitator_assignment'];
const DIRECTORY_TABLES = [
  'fellowship',
  'meeting_group',
  'meeting',
  'meeting_occurrence',
  'occurrence_window',
];
/** Bookkeeping: migrations, instances, keys, and Socket.IO's in-flight binary packets. */
const SYSTEM_TABLES = ['migrations', 'app_node', 'signing_key', 'socket_io_attachments'];

/** Column names that would hold something identifying about a person or their device. */
const IDENTIFYING_COLUMN =
  /(^|_)(ip|ips|ipv4|ipv6|inet)(_|$)|ip_?addr|remote_?addr|(^|_)address|forwarded|user_?agent|(^|_)ua(_|$)|e_?mail|phone|mobile|msisdn|(^|_)sms(_|$)|fingerprint|device|(^|_)geo|latitude|longitude|location|(^|_)city|country|postal|cookie|session|(real|full|first|last|legal|given|family)_?name|name_on_certificate/i;

interface Column {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
}

function hhmm(date: Date): string {
  return `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`;
}

describe('the database schema after every migration', () => {
  let columns: Column[];
  let tables: string[];

  beforeAll(async () => {
    const database = await createTestDatabase();
    try {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      columns = (
        await client.query<Column>(
          `SELECT table_name, column_name, data_type, udt_name FROM information_schema.columns
           WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
        )
      ).rows;
      tables = (
        await client.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables
           WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
        )
      ).rows.map((r) => r.table_name);
      await client.end();
    } finally {
      await database.drop();
    }
  });

  const columnsOf = (table: string): string[] =>
    columns.filter((c) => c.table_name === table).map((c) => c.column_name);

  it('puts every table in one group (participant, staff, directory, system)', () => {
    const groups = [PARTICIPANT_TABLES, STAFF_TABLES, DIRECTORY_TABLES, SYSTEM_TABLES].flat();
    expect(tables.filter((table) => !groups.includes(table))).toEqual([]);
    expect(groups.filter((table) => !tables.includes(table))).toEqual([]);
    expect(new Set(groups).size).toBe(groups.length);
  });

  it('has no column for an address, user agent, email, phone, fingerprint or name in participant data', () => {
    const offending = PARTICIPANT_TABLES.flatMap((table) =>
      columnsOf(table)
        .filter((column) => IDENTIFYING_COLUMN.test(column))
        .map((column) => `${table}.${column}`),
    );
    expect(offending).toEqual([]);
    // The pattern does catch what it is for.
    for (const name of ['ip', 'client_ip', 'ip_address', 'user_agent', 'email', 'phone_number'])
      expect({ name, caught: IDENTIFYING_COLUMN.test(name) }).toEqual({ name, caught: true });
  });

  it('keeps participant tokens only hashed, and nothing else about a participant', () => {
    expect(columnsOf('participant').sort()).toEqual([
      'created_at',
      'expires_at',
      'id',
      'token_hash',
    ]);
    const tokenColumns = columns.filter((c) => /token/i.test(c.column_name));
    expect(tokenColumns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual([
      'participant.token_hash',
    ]);
  });

  it('allows an email only on staff accounts', () => {
    const emails = columns
      .filter((c) => !DIRECTORY_TABLES.includes(c.table_name) && /e_?mail/i.test(c.column_name))
      .map((c) => `${c.table_name}.${c.column_name}`);
    expect(emails).toEqual(['account.email']);
  });

  it('has no column of a network-address type anywhere', () => {
    const network = columns.filter((c) =>
      ['inet', 'cidr', 'macaddr', 'macaddr8'].includes(c.udt_name),
    );
    expect(network.map((c) => `${c.table_name}.${c.column_name}`)).toEqual([]);
  });
});

describe('what a participant leaves in the database', () => {
  let t: TestApp;
  const pool = new SocketPool();

  beforeAll(async () => {
    t = await startTestApp({ env: { ...MOD_ENV, ATTENDANCE_MIN_MINUTES: '1' } });
  });

  afterAll(async () => {
    pool.closeAll();
    await t.close();
  });

  it('is no token, client address, user agent or certificate name in any row of any table', async () => {
    const admin = await login(t);
    const started = new Date(Date.now() - 10 * 60_000);
    const meeting = await createMeeting(t, admin, {
      name: 'Stored Data Check',
      fellowship: 'aa',
      day: started.getUTCDay(),
      time: hhmm(started),
      timezone: 'UTC',
      conference_url: 'https://zoom.us/j/555000333',
    });
    const roomId = await meetingRoom(t, admin, meeting.slug as string);
    const person = await joinParticipant(t, pool, roomId, 'Quill');
    await sendOk(person.socket, roomId, 'Checking in from the night shift');
    await sql(t, 'UPDATE room_member SET present_seconds = 3600 WHERE id = $1', [person.memberId]);
    const name = 'Persephone Canary-Name';
    ackData(
      await emitAck(person.socket, 'attendance:certificate', { roomId, nameOnCertificate: name }),
    );

    const tables = await sql<{ table_name: string }>(
      t,
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const dump: string[] = [];
    for (const { table_name: table } of tables) {
      const rows = await sql<{ row: string }>(
        t,
        `SELECT row_to_json(x)::text AS row FROM "${table}" x`,
      );
      dump.push(...rows.map((r) => `${table}: ${r.row}`));
    }
    const text = dump.join('\n');
    // The participant is there (by its id and hashed token), so the dump is not empty by mistake.
    expect(text).toContain(person.participantId);
    expect(text).toContain('Checking in from the night shift');
    for (const secret of [
      person.token,
      CANARY_CLIENT_ADDRESS,
      CANARY_USER_AGENT,
      name,
      '127.0.0.1',
    ]) {
      const hex = Buffer.from(secret).toString('hex');
      expect({ secret, stored: text.includes(secret) || text.includes(hex) }).toEqual({
        secret,
        stored: false,
      });
    }
  });
});
