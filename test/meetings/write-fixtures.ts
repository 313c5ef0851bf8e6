/**
 * Shared helpers and data for the end-to-end tests of the meeting directory's write side and
 * formats (crud.test.ts, imports.test.ts, feed-calendar.test.ts). Everything goes through HTTP,
 * except for the set-up the API has no endpoint for yet (facilitator accounts and assignments)
 * and for counting what is stored, which is how the tests prove that a rejected request wrote
 * nothing.
 */
import { DataSource } from 'typeorm';
import { AccountsService } from '../../src/facilitators/accounts.service.js';
import type { TestApp } from '../support/app.js';
import { api, login, type JsonResponse } from '../support/http.js';

export type Meeting = Record<string, unknown>;

export interface ApiErrorBody {
  error: { code: string; message: string; details: { field?: string; message: string }[] };
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  errors: { index: number; slug?: string; message: string }[];
}

/** The contract's meeting fields that describe the meeting itself (what a write sets). */
export const MEETING_DATA_FIELDS = [
  'slug',
  'name',
  'fellowship',
  'day',
  'time',
  'end_time',
  'timezone',
  'types',
  'attendance_option',
  'location',
  'formatted_address',
  'address',
  'city',
  'state',
  'postal_code',
  'country',
  'latitude',
  'longitude',
  'approximate',
  'region',
  'sub_region',
  'conference_url',
  'conference_url_notes',
  'conference_phone',
  'conference_phone_notes',
  'notes',
  'location_notes',
  'group',
  'group_notes',
  'url',
] as const;

/** Every field of the contract's meeting shape. */
export const CONTRACT_MEETING_FIELDS = [
  ...MEETING_DATA_FIELDS,
  'updated',
  'roomId',
  'nextStart',
  'nextEnd',
  'inProgress',
  'distanceKm',
] as const;

/** The contract's meeting data fields of a response, types sorted (their order is not specified). */
export function meetingData(meeting: Meeting): Meeting {
  const data: Meeting = {};
  for (const field of MEETING_DATA_FIELDS) {
    const value = meeting[field];
    data[field] =
      field === 'types' && Array.isArray(value) ? [...(value as string[])].sort() : value;
  }
  return data;
}

/** A meeting with every field of the contract set. */
export const FULL_MEETING = {
  slug: 'tuesday-night-hope',
  name: 'Tuesday Night Hope',
  fellowship: 'na',
  day: [2, 4],
  time: '19:00',
  end_time: '20:30',
  timezone: 'America/New_York',
  types: ['O', 'D', 'BT'],
  attendance_option: 'hybrid',
  location: "St. Mark's Church",
  formatted_address: '123 Main St, Springfield, MA 01103, USA',
  address: '123 Main St',
  city: 'Springfield',
  state: 'MA',
  postal_code: '01103',
  country: 'US',
  latitude: 42.1015,
  longitude: -72.5898,
  approximate: 'no',
  region: 'Western Massachusetts',
  sub_region: 'Springfield',
  conference_url: 'https://zoom.us/j/123456789',
  conference_url_notes: 'Passcode: hope',
  conference_phone: '+16465588656,,123456789#',
  conference_phone_notes: 'Meeting ID 123 456 789',
  notes: 'Basic Text study.\nEveryone welcome.',
  location_notes: 'Basement, side door',
  group: 'Hope Group',
  group_notes: 'Business meeting on the first Tuesday',
  url: 'https://example.org/meetings/tuesday-night-hope',
} as const;

/** The smallest valid in-person meeting; tests spread their changes over it. */
export function basicMeeting(overrides: Meeting = {}): Meeting {
  return {
    name: 'Serenity',
    fellowship: 'aa',
    day: 1,
    time: '19:00',
    timezone: 'America/New_York',
    address: '1 Elm St',
    city: 'Albany',
    state: 'NY',
    ...overrides,
  };
}

export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

export function dataSource(t: TestApp): DataSource {
  return t.app.get(DataSource);
}

export async function countMeetings(t: TestApp): Promise<number> {
  const rows = await dataSource(t).query<{ n: number }[]>('SELECT count(*)::int AS n FROM meeting');
  return rows[0]?.n ?? -1;
}

export async function countGroups(t: TestApp): Promise<number> {
  const rows = await dataSource(t).query<{ n: number }[]>(
    'SELECT count(*)::int AS n FROM meeting_group',
  );
  return rows[0]?.n ?? -1;
}

/** Slugs of the meetings an import source brought in, sorted. */
export async function slugsOfSource(t: TestApp, source: string): Promise<string[]> {
  const rows = await dataSource(t).query<{ slug: string }[]>(
    'SELECT slug FROM meeting WHERE source = $1 ORDER BY slug',
    [source],
  );
  return rows.map((r) => r.slug);
}

/** The group id a meeting belongs to, straight from the table. */
export async function groupIdOf(t: TestApp, slug: string): Promise<string> {
  const rows = await dataSource(t).query<{ group_id: string | null }[]>(
    'SELECT group_id FROM meeting WHERE slug = $1',
    [slug],
  );
  const id = rows[0]?.group_id;
  if (id === undefined || id === null) throw new Error(`meeting ${slug} has no group`);
  return id;
}

export async function meetingIdOf(t: TestApp, slug: string): Promise<string> {
  const rows = await dataSource(t).query<{ id: string }[]>(
    'SELECT id FROM meeting WHERE slug = $1',
    [slug],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`no meeting ${slug}`);
  return id;
}

/** A facilitator account (there is no REST endpoint for it yet) and its access token. */
export async function createFacilitator(
  t: TestApp,
  email: string,
  password = 'facilitator-password-1',
): Promise<{ id: string; token: string }> {
  const account = await t.app.get(AccountsService).create({
    email,
    displayName: email.split('@')[0] ?? 'Facilitator',
    password,
    role: 'facilitator',
  });
  return { id: account.id, token: await login(t, email, password) };
}

export async function assignToGroup(t: TestApp, accountId: string, groupId: string): Promise<void> {
  await dataSource(t).query(
    'INSERT INTO facilitator_assignment (account_id, group_id) VALUES ($1, $2)',
    [accountId, groupId],
  );
}

export async function assignToMeeting(
  t: TestApp,
  accountId: string,
  meetingId: string,
): Promise<void> {
  await dataSource(t).query(
    'INSERT INTO facilitator_assignment (account_id, meeting_id) VALUES ($1, $2)',
    [accountId, meetingId],
  );
}

/** Asserts the contract's error shape and returns it. */
export function expectError(
  res: JsonResponse<unknown>,
  status: number,
  code: string,
): ApiErrorBody['error'] {
  // api() parses only JSON-typed bodies; a JSON error sent under another type is read here too,
  // so that a wrong Content-Type shows up as exactly that.
  let body = res.body as ApiErrorBody | undefined;
  if (typeof res.body === 'string') {
    try {
      body = JSON.parse(res.body) as ApiErrorBody;
    } catch {
      body = undefined;
    }
  }
  const contentType = res.headers.get('content-type') ?? '';
  expect({
    status: res.status,
    code: body?.error?.code,
    json: /^application\/json/.test(contentType) ? true : contentType,
  }).toEqual({ status, code, json: true });
  const error = (body as ApiErrorBody).error;
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  expect(Array.isArray(error.details)).toBe(true);
  return error;
}

/** A 400 VALIDATION_FAILED whose details name `field`; returns every field named. */
export function expectValidationFailed(res: JsonResponse<unknown>, field?: string): string[] {
  const error = expectError(res, 400, 'VALIDATION_FAILED');
  const fields = error.details.map((d) => d.field ?? '');
  if (field !== undefined) expect(fields).toContain(field);
  return fields;
}

export async function getMeeting(t: TestApp, slug: string, now?: string): Promise<Meeting> {
  const query = now === undefined ? '' : `?now=${encodeURIComponent(now)}`;
  const res = await api<Meeting>(t, 'GET', `/meetings/${slug}${query}`);
  if (res.status !== 200) throw new Error(`GET ${slug}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function runImport(
  t: TestApp,
  token: string,
  body: Record<string, unknown>,
): Promise<ImportResult> {
  const res = await api<ImportResult>(t, 'POST', '/imports', { token, body });
  if (res.status !== 200)
    throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The Meeting Guide type codes of the spec (code4recovery/spec data/types.json) with their English names. */
export const MEETING_GUIDE_SPEC_TYPES: Readonly<Record<string, string>> = {
  '11': '11th Step Meditation',
  '12x12': '12 Steps & 12 Traditions',
  A: 'Secular',
  ABSI: 'As Bill Sees It',
  AF: 'Afrikaans',
  AL: 'Concurrent with Alateen',
  'AL-AN': 'Concurrent with Al-Anon',
  AM: 'Amharic',
  AR: 'Arabic',
  ASL: 'American Sign Language',
  B: 'Big Book',
  BA: 'Babysitting Available',
  BE: 'Newcomer',
  BG: 'Bulgarian',
  BI: 'Bisexual',
  BRK: 'Breakfast',
  C: 'Closed',
  CAN: 'Candlelight',
  CF: 'Child-Friendly',
  D: 'Discussion',
  DA: 'Danish',
  DB: 'Digital Basket',
  DD: 'Dual Diagnosis',
  DE: 'German',
  DR: 'Daily Reflections',
  EL: 'Greek',
  EN: 'English',
  FA: 'Persian',
  FI: 'Finnish',
  FF: 'Fragrance Free',
  FR: 'French',
  G: 'Gay',
  GR: 'Grapevine',
  H: 'Birthday',
  HE: 'Hebrew',
  HI: 'Hindi',
  HR: 'Croatian',
  HU: 'Hungarian',
  IS: 'Icelandic',
  ITA: 'Italian',
  JA: 'Japanese',
  KA: 'Georgian',
  KOR: 'Korean',
  L: 'Lesbian',
  LGBTQ: 'LGBTQ',
  LIT: 'Literature',
  LS: 'Living Sober',
  LT: 'Lithuanian',
  M: 'Men',
  MED: 'Meditation',
  ML: 'Malayalam',
  MT: 'Maltese',
  N: 'Native American',
  NB: 'Non-Binary',
  NDG: 'Indigenous',
  NE: 'Nepali',
  NL: 'Dutch',
  NO: 'Norwegian',
  O: 'Open',
  OUT: 'Outdoor',
  P: 'Professionals',
  POA: 'Proof of Attendance',
  POC: 'People of Color',
  POL: 'Polish',
  POR: 'Portuguese',
  PUN: 'Punjabi',
  RUS: 'Russian',
  S: 'Spanish',
  SEN: 'Seniors',
  SK: 'Slovak',
  SL: 'Slovenian',
  SM: 'Smoking Permitted',
  SP: 'Speaker',
  ST: 'Step Study',
  SV: 'Swedish',
  T: 'Transgender',
  TC: 'Location Temporarily Closed',
  TH: 'Thai',
  TL: 'Tagalog',
  TR: 'Tradition Study',
  TUR: 'Turkish',
  UK: 'Ukrainian',
  W: 'Women',
  X: 'Wheelchair Access',
  XB: 'Wheelchair-Accessible Bathroom',
  XT: 'Cross Talk Permitted',
  Y: 'Young People',
};
