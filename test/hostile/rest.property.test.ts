/**
 * Property-based: every REST route that takes a body or a query (the controllers in
 * src/**\/*.controller.ts), under thousands of generated requests.
 *
 * - signed in as an admin, so that the validation layer and not only the auth guard is reached:
 *   a malformed body or query is answered 400 VALIDATION_FAILED, and a well-formed one full of
 *   SQL, HTML and broken Unicode gets any answer but a 5xx or INTERNAL;
 * - not signed in (or with a forged token): the admin routes answer 401 UNAUTHORIZED (or 400
 *   for a body that cannot even be parsed), the public ones as above;
 * - raw bodies (bytes that are not UTF-8, broken JSON, other content types and charsets, deep
 *   nesting as text, oversized): every route, including those that take no body, answers below
 *   500, and every 4xx is `{ error: { code } }` with a contract code;
 * - afterwards the service is healthy, logged no error and no prototype is polluted.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN_ENV, login } from '../support/http.js';
import { capturedLogs } from '../support/logs.js';
import {
  CONTRACT_CODES,
  expectNothingPolluted,
  hostileText,
  hostileTextWithin,
  HTML_TEXT,
  INVALID_UTF8,
  inParallel,
  malformed,
  PROTOTYPE_NAMES,
  prototypeSnapshot,
  SEED,
  SQL_TEXT,
  wellFormed,
  type Shape,
} from './hostile-values.js';

const ENV = {
  ...ADMIN_ENV,
  PARTICIPANT_ISSUE_PER_MINUTE: '100000',
  TOKEN_FAILURES_PER_MINUTE: '100000',
};

/** Percent-encodes the UTF-8 of `text` byte by byte (lone surrogates become U+FFFD, as in any client). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9_~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
}

const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const instant = fc
  .date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2099-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString());
const slug = fc.stringMatching(/^[a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,2}$/);
const email = fc.tuple(slug, slug).map(([user, host]) => `${user}@${host}.example.org`);
const zones = fc.constantFrom(
  'America/New_York',
  'Europe/Berlin',
  'UTC',
  'Asia/Kolkata',
  'Mars/Olympus',
  "'; DROP",
  '<b>',
);

/** Meeting Guide rows full of hostile text, and other JSON an importer might be handed. */
const importData = fc.oneof(
  fc.array(
    fc.record(
      {
        name: hostileTextWithin(0, 60),
        slug: fc.oneof(slug, hostileText),
        day: fc.oneof(fc.integer({ min: -1, max: 8 }), fc.constant([1, 3]), hostileText),
        time: fc.oneof(hhmm, hostileText),
        timezone: zones,
        types: fc.array(fc.oneof(fc.constantFrom('O', 'C', 'D'), hostileText), { maxLength: 3 }),
        notes: hostileText,
        location: hostileText,
        latitude: fc.oneof(fc.double({ noNaN: true }), hostileText),
        conference_url: fc.oneof(fc.constant('https://zoom.us/j/1'), hostileText),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 4 },
  ),
  fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v === 'object' && v !== null),
  hostileText.map((text) => `Day,Time,Name,Notes\nMonday,6:00 PM,${text},"${text}"\n`),
);

const text = (min: number, max: number, extra: { required?: boolean; nullable?: boolean } = {}) =>
  ({ kind: 'text', min, max, ...extra }) as const;

/**
 * The DTO checks fellowship, time and timezone only as strings of a length (the service checks
 * the rest, after looking the meeting up): wrong means wrong to the DTO, and MEETING_VALUES
 * gives well-formed payloads realistic values so that some meetings are really stored.
 */
const MEETING_FIELDS: Shape = {
  // No minimum in the DTO: an empty name is the service's to refuse.
  name: text(0, 200, { required: true }),
  slug: { kind: 'format', valid: slug },
  fellowship: text(0, 40, { required: true }),
  day: { kind: 'int', min: 0, max: 6, required: true },
  time: text(0, 5, { required: true }),
  end_time: text(0, 5, { nullable: true }),
  timezone: text(0, 64, { required: true }),
  types: { kind: 'data', valid: fc.array(hostileTextWithin(1, 20), { maxLength: 3 }) },
  attendance_option: { kind: 'enum', values: ['in_person', 'online', 'hybrid', 'inactive'] },
  latitude: { kind: 'number', nullable: true },
  longitude: { kind: 'number', nullable: true },
  location: text(0, 300, { nullable: true }),
  notes: text(0, 5000, { nullable: true }),
  group: text(0, 200, { nullable: true }),
  conference_url: text(0, 2000, { nullable: true }),
  location_notes: text(0, 2000, { nullable: true }),
};
const MEETING_VALUES = {
  fellowship: fc.constantFrom('na', 'aa', 'ca', 'smart-recovery', 'nope'),
  time: hhmm,
  end_time: fc.oneof(hhmm, fc.constant(null)),
  timezone: zones,
};
const optionalAll = (shape: Shape): Shape =>
  Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, { ...v, required: false }]));

const ROOM_FIELDS: Shape = {
  name: text(1, 120, { required: true }),
  meetingSlug: { kind: 'format', valid: slug },
  opensAt: { kind: 'format', valid: instant, nullable: true },
  closesAt: { kind: 'format', valid: instant, nullable: true },
  waitingRoom: { kind: 'bool' },
  shareSeconds: { kind: 'int', min: 10, max: 3600 },
  retentionDays: { kind: 'int', min: 0, max: 3650 },
  guidelines: text(0, 4000, { nullable: true }),
};

/** A path segment: mostly an id that exists nowhere, sometimes hostile text (kept one segment). */
const pathId = fc.oneof(
  { arbitrary: fc.uuid(), weight: 3 },
  hostileText.map((t) => `x${percentEncode(t)}`),
  fc.constantFrom('x%00', 'x%ED%A0%80', 'x%C0%AE', 'x%252e', 'x%E2%80%AE'),
);

interface BodyRoute {
  method: 'POST' | 'PATCH';
  path: fc.Arbitrary<string>;
  admin: boolean;
  shape: Shape;
  /** Well-formed values for fields whose DTO check is looser than the service's. */
  values?: Record<string, fc.Arbitrary<unknown>>;
}

/** Every route with a body (src/**\/*.controller.ts, @Body()). */
const BODY_ROUTES: Record<string, BodyRoute> = {
  'POST /auth/login': {
    method: 'POST',
    path: fc.constant('/auth/login'),
    admin: false,
    shape: {
      email: { kind: 'format', valid: email, required: true },
      password: text(1, 200, { required: true }),
    },
  },
  'POST /facilitators': {
    method: 'POST',
    path: fc.constant('/facilitators'),
    admin: true,
    shape: {
      email: { kind: 'format', valid: email, required: true },
      displayName: text(1, 80, { required: true }),
      password: text(12, 200, { required: true }),
      role: { kind: 'enum', values: ['admin', 'facilitator'] },
    },
  },
  'PATCH /facilitators/:id': {
    method: 'PATCH',
    path: pathId.map((id) => `/facilitators/${id}`),
    admin: true,
    shape: {
      role: { kind: 'enum', values: ['admin', 'facilitator'] },
      disabled: { kind: 'bool' },
      displayName: text(1, 80),
      password: text(12, 200),
    },
  },
  'POST /facilitators/:id/assignments': {
    method: 'POST',
    path: pathId.map((id) => `/facilitators/${id}/assignments`),
    admin: true,
    shape: {
      groupId: { kind: 'uuid' },
      meetingSlug: { kind: 'format', valid: slug },
      roomId: { kind: 'uuid' },
    },
  },
  'POST /imports': {
    method: 'POST',
    path: fc.constant('/imports'),
    admin: true,
    values: { timezone: zones },
    shape: {
      format: { kind: 'enum', values: ['meeting-guide', 'bmlt', 'csv'], required: true },
      source: { kind: 'format', valid: slug.map((s) => `hostile-${s}`), required: true },
      data: { kind: 'data', valid: importData },
      fellowship: text(0, 40),
      timezone: text(0, 64),
      prune: { kind: 'bool' },
    },
  },
  'POST /meetings': {
    method: 'POST',
    path: fc.constant('/meetings'),
    admin: true,
    shape: MEETING_FIELDS,
    values: MEETING_VALUES,
  },
  'PATCH /meetings/:slug': {
    method: 'PATCH',
    path: fc.oneof(slug, pathId).map((s) => `/meetings/${s}`),
    admin: true,
    shape: optionalAll(MEETING_FIELDS),
    values: MEETING_VALUES,
  },
  'POST /rooms': { method: 'POST', path: fc.constant('/rooms'), admin: true, shape: ROOM_FIELDS },
  'PATCH /rooms/:id': {
    method: 'PATCH',
    path: pathId.map((id) => `/rooms/${id}`),
    admin: true,
    shape: { ...optionalAll(ROOM_FIELDS), status: { kind: 'enum', values: ['open', 'closed'] } },
  },
  'POST /moderation/reports/:id/resolve': {
    method: 'POST',
    path: pathId.map((id) => `/moderation/reports/${id}/resolve`),
    admin: true,
    shape: { note: text(1, 1000), action: text(1, 40) },
  },
};

/** A query parameter: values it takes, and values it refuses. */
interface QueryParam {
  valid: fc.Arbitrary<string>;
  invalid: fc.Arbitrary<string>;
  /** Comma lists take repeats (`day=1&day=3`); for the others a repeat is an error. */
  list?: boolean;
}

const CONTROL = fc.constantFrom('\u0000', '\u0001', '\u0008', '\u000b', '\u001b', '\u007f');
const intParam = (min: number, max: number): QueryParam => ({
  valid: fc.integer({ min, max }).map(String),
  invalid: fc.oneof(
    fc.integer({ min: max + 1, max: max + 100_000 }).map(String),
    fc.integer({ min: min - 100_000, max: min - 1 }).map(String),
    fc.constantFrom('1.5', 'ten', '', '0x10', '1e3', 'NaN', '--1'),
    hostileText.filter((s) => !/^\s*-?\d+(\.\d+)?\s*$/.test(s)),
  ),
});
const numberParam = (min: number, max: number): QueryParam => ({
  valid: fc
    .double({ min, max, noNaN: true })
    .map((d) => d.toFixed(4))
    .filter((s) => Number(s) >= min && Number(s) <= max),
  invalid: fc.oneof(
    fc.constantFrom(String(max + 1), String(min - 1), 'NaN', 'Infinity', '1e3', 'north', ''),
    hostileText.filter((s) => !/^\s*-?\d+(\.\d+)?\s*$/.test(s)),
  ),
});
/** Comma lists are invalid when one non-blank item is: filter candidates by the same rule. */
function listParam(
  item: RegExp | readonly string[],
  validItems: fc.Arbitrary<string>,
  maxItems: number,
): QueryParam {
  const itemOk = (s: string) => (Array.isArray(item) ? item.includes(s) : (item as RegExp).test(s));
  const items = (s: string) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
  return {
    list: true,
    valid: fc
      .array(validItems, { minLength: 1, maxLength: Math.min(3, maxItems) })
      .map((a) => a.join(',')),
    invalid: fc
      .oneof(
        fc.constantFrom(...SQL_TEXT, ...HTML_TEXT, 'UPPER', 'a b,c'),
        hostileText,
        fc
          .array(validItems, { minLength: maxItems + 1, maxLength: maxItems + 5 })
          .map((a) => a.join(',')),
      )
      .filter((s) => items(s).some((p) => !itemOk(p)) || items(s).length > maxItems),
  };
}
const enumParam = (values: readonly string[]): QueryParam => ({
  valid: fc.constantFrom(...values),
  invalid: fc
    .oneof(hostileText, fc.constantFrom(...values.map((v) => v.toUpperCase()), ''))
    .filter((s) => !values.includes(s)),
});
const cursorParam: QueryParam = {
  // A forged but well-encoded cursor: it decodes, so the service, not the parser, must cope.
  valid: fc
    .record({
      n: fc.oneof(
        instant,
        fc.constantFrom('+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '1'),
      ),
      s: fc.constantFrom('next_start', 'name', 'distance'),
      v: fc.oneof(instant, hostileText, fc.double()),
      i: fc.oneof(fc.uuid(), fc.constant('-'.repeat(36))),
      t: fc.constantFrom('2026-11-22 18:30:00+00', '9999-99-99 99:99:99+00'),
    })
    .map((c) => Buffer.from(JSON.stringify(c)).toString('base64url')),
  invalid: fc.oneof(
    fc.constantFrom('x'.repeat(501), 'e30', 'bnVsbA', '!!!', 'W10'),
    hostileText.filter((s) => s.trim() !== '').map((s) => `~${s}`),
  ),
};
const instantParam: QueryParam = {
  valid: instant,
  invalid: fc.constantFrom(
    '2026-02-30T00:00:00Z',
    'yesterday',
    '2026-11-22T18:30:00',
    '0',
    '',
    '2026-W47-1T00:00Z',
    "2026-11-22T18:30:00Z'; --",
  ),
};

const SEARCH: Record<string, QueryParam> = {
  q: {
    valid: hostileTextWithin(1, 200),
    invalid: fc.oneof(
      fc.integer({ min: 201, max: 5000 }).map((n) => 'q'.repeat(n)),
      fc.tuple(hostileTextWithin(0, 50), CONTROL).map(([a, c]) => a + c),
    ),
  },
  fellowship: listParam(/^[a-z0-9-]{1,40}$/, fc.constantFrom('aa', 'na', 'ca', 'x-y'), 20),
  program: enumParam(['twelve-step', 'non-twelve-step']),
  day: listParam(
    ['0', '1', '2', '3', '4', '5', '6'],
    fc.constantFrom('0', '1', '2', '3', '4', '5', '6'),
    7,
  ),
  time_from: {
    valid: hhmm,
    invalid: fc.constantFrom('24:00', '7:00', '07:60', 'noon', '', '07:00:00'),
  },
  time_to: {
    valid: hhmm,
    invalid: fc.constantFrom('24:00', '7:00', '07:60', 'noon', '', '07:00:00'),
  },
  starting_within: intParam(0, 10080),
  in_progress: enumParam(['true', 'false']),
  types: listParam(/^[A-Za-z0-9-]{1,20}$/, fc.constantFrom('O', 'C', 'D', 'ONL'), 20),
  attendance: listParam(
    ['in_person', 'online', 'hybrid'],
    fc.constantFrom('in_person', 'online', 'hybrid'),
    3,
  ),
  lat: numberParam(-90, 90),
  lng: numberParam(-180, 180),
  radius_km: numberParam(0.1, 20000),
  sort: enumParam(['next_start', 'distance', 'name']),
  now: instantParam,
  limit: intParam(1, 100),
  cursor: cursorParam,
};
/** The calendar of a search is the whole search: it ignores `cursor` on purpose (calendar.service.ts). */
const CALENDAR_SEARCH = Object.fromEntries(
  Object.entries(SEARCH).filter(([key]) => key !== 'cursor'),
);
const PAGE: Record<string, QueryParam> = { limit: intParam(1, 100), cursor: cursorParam };

interface QueryRoute {
  path: fc.Arbitrary<string>;
  admin: boolean;
  params: Record<string, QueryParam>;
}

/** Every route with a query (src/**\/*.controller.ts, @Query()). */
const QUERY_ROUTES: Record<string, QueryRoute> = {
  'GET /meetings': { path: fc.constant('/meetings'), admin: false, params: SEARCH },
  'GET /meetings/calendar.ics': {
    path: fc.constant('/meetings/calendar.ics'),
    admin: false,
    params: CALENDAR_SEARCH,
  },
  'GET /meetings/:slug': {
    path: fc.oneof(slug, pathId).map((s) => `/meetings/${s}`),
    admin: false,
    params: { now: instantParam },
  },
  'GET /meetings/:slug/calendar.ics': {
    path: fc.oneof(slug, pathId).map((s) => `/meetings/${s}/calendar.ics`),
    admin: false,
    params: { now: instantParam },
  },
  'GET /rooms': { path: fc.constant('/rooms'), admin: false, params: PAGE },
  'GET /moderation/reports': {
    path: fc.constant('/moderation/reports'),
    admin: true,
    params: {
      ...PAGE,
      status: enumParam(['open', 'resolved']),
      roomId: { valid: fc.uuid(), invalid: fc.oneof(hostileText, fc.constant('not-a-uuid')) },
    },
  },
  'GET /moderation/audit': {
    path: fc.constant('/moderation/audit'),
    admin: true,
    params: {
      ...PAGE,
      roomId: { valid: fc.uuid(), invalid: fc.oneof(hostileText, fc.constant('not-a-uuid')) },
    },
  },
};

/** Routes that read no body at all: only the raw-body property sends them anything. */
const NO_BODY_ROUTES = [
  'POST /participants',
  'POST /participants/refresh',
  'GET /facilitators',
  'GET /fellowships',
  'GET /types',
  'GET /feeds/meeting-guide.json',
  'DELETE /meetings/x-unknown',
  'GET /attendance/verify/x',
];

interface Request {
  route: string;
  method: string;
  path: string;
  query: string;
  admin: boolean;
  malformed: boolean;
  label: string;
  body?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

function bodyCases(): fc.Arbitrary<Request> {
  return fc.oneof(
    ...Object.entries(BODY_ROUTES).map(([route, r]) => {
      const valid = wellFormed(r.shape, r.values);
      return fc
        .tuple(
          r.path,
          fc.oneof(
            {
              arbitrary: malformed(r.shape, valid, { topLevel: false }).map((m) => ({
                ...m,
                malformed: true,
              })),
              weight: 3,
            },
            {
              arbitrary: valid.map((payload) => ({
                label: 'well-formed',
                args: [payload],
                malformed: false,
              })),
              weight: 1,
            },
          ),
        )
        .map(([path, c]): Request => ({
          route,
          method: r.method,
          path,
          query: '',
          admin: r.admin,
          malformed: c.malformed,
          label: c.label,
          body: JSON.stringify(c.args[0]),
          contentType: 'application/json',
        }));
    }),
  );
}

function decodes(path: string): boolean {
  try {
    return path.split('/').every((segment) => decodeURIComponent(segment) !== undefined);
  } catch {
    return false;
  }
}

/** A query string built by hand, so that it can hold what URLSearchParams would never write. */
function queryString(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
}

function queryCases(): fc.Arbitrary<Request> {
  return fc.oneof(
    ...Object.entries(QUERY_ROUTES).map(([route, r]) => {
      const names = Object.keys(r.params);
      const validPairs = fc
        .subarray(names, { maxLength: Math.min(4, names.length) })
        .chain((chosen) =>
          fc.tuple(
            ...chosen.map((n) =>
              (r.params[n] as QueryParam).valid.map((v): [string, string] => [n, v]),
            ),
          ),
        )
        .map((pairs) => pairs);
      const bad: fc.Arbitrary<{ label: string; query: string }>[] = [
        fc.tuple(fc.constantFrom(...names), validPairs).chain(([name, pairs]) =>
          (r.params[name] as QueryParam).invalid.map((v) => ({
            label: `${name} invalid`,
            query: queryString([...pairs.filter(([k]) => k !== name), [name, v]]),
          })),
        ),
        fc
          .tuple(
            fc.oneof(
              fc.constantFrom(...PROTOTYPE_NAMES, 'prototype', 'q[a]', 'day[]', 'role', ''),
              fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
            ),
            hostileText,
            validPairs,
          )
          .filter(([key]) => !names.includes(key))
          .map(([key, value, pairs]) => ({
            label: `unknown key ${JSON.stringify(key)}`,
            query: queryString([...pairs, [key, value]]),
          })),
      ];
      const scalars = names.filter((n) => r.params[n]?.list !== true);
      if (scalars.length > 0) {
        bad.push(
          fc.constantFrom(...scalars).chain((name) =>
            fc
              .tuple((r.params[name] as QueryParam).valid, (r.params[name] as QueryParam).valid)
              .map(([a, b]) => ({
                label: `${name} repeated`,
                query: queryString([
                  [name, a],
                  [name, b],
                ]),
              })),
          ),
        );
      }
      const good = fc
        .tuple(validPairs, fc.constantFrom('', '&%', '&%zz', '&%ED%A0%80', '&%ff=%fe', '&&&'))
        .map(([pairs, junk]) => ({
          label: junk === '' ? 'well-formed' : `well-formed with ${junk}`,
          query: queryString(pairs) + junk,
        }));
      return fc
        .tuple(
          r.path,
          fc.oneof(
            { arbitrary: fc.oneof(...bad).map((b) => ({ ...b, malformed: true })), weight: 3 },
            { arbitrary: good.map((g) => ({ ...g, malformed: false })), weight: 1 },
          ),
        )
        .map(([path, c]): Request => ({
          route,
          method: 'GET',
          path,
          query: c.query,
          admin: r.admin,
          malformed: c.malformed,
          label: c.label,
        }));
    }),
  );
}

interface RawBody {
  label: string;
  body: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

const RAW_BODIES: fc.Arbitrary<RawBody> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...INVALID_UTF8),
      fc.constantFrom('name', 'email', 'q', 'note', 'format'),
    )
    .map(([bytes, key]) => ({
      label: `invalid UTF-8 in a string value`,
      body: Buffer.concat([Buffer.from(`{"${key}":"a`), Buffer.from(bytes), Buffer.from('b"}')]),
    })),
  fc.constantFrom(...INVALID_UTF8).map((bytes) => ({
    label: 'invalid UTF-8 in a key',
    body: Buffer.concat([Buffer.from('{"'), Buffer.from(bytes), Buffer.from('":1}')]),
  })),
  fc
    .uint8Array({ minLength: 1, maxLength: 200 })
    .map((bytes) => ({ label: 'random bytes', body: Buffer.from(bytes) })),
  fc
    .constantFrom(
      '{"name": "a", ',
      '{"name": "\\ud800"}',
      '{"name": "\\u0000"}',
      '{"\\u005f_proto__": {"polluted": "yes"}}',
      '{"__proto__": {"polluted": "yes"}}',
      '{"constructor": {"prototype": {"polluted": "yes"}}}',
      '[]',
      '""',
      'null',
      '1e999999',
      '{"a":1,"a":2}',
      '\ufeff{"name":"bom"}',
      '{"name":"x"}garbage',
      '',
    )
    .map((body) => ({ label: 'odd JSON', body })),
  fc.integer({ min: 33, max: 100_000 }).map((depth) => ({
    label: `${depth} levels deep`,
    body: `{"name":${'['.repeat(depth)}${']'.repeat(depth)}}`,
  })),
  fc.integer({ min: 33, max: 100_000 }).map((depth) => ({
    label: `${depth} levels of objects`,
    body: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  })),
  fc.constantFrom(
    {
      label: 'UTF-16 charset',
      body: Buffer.from('{"name":"x"}', 'utf16le'),
      contentType: 'application/json; charset=utf-16',
    },
    {
      label: 'unknown charset',
      body: '{"name":"x"}',
      contentType: 'application/json; charset=klingon',
    },
    { label: 'text/plain', body: '{"name":"x"}', contentType: 'text/plain' },
    {
      label: 'form',
      body: 'name=x&__proto__[polluted]=yes',
      contentType: 'application/x-www-form-urlencoded',
    },
    {
      label: 'multipart',
      body: '--b\r\n\r\nx\r\n--b--',
      contentType: 'multipart/form-data; boundary=b',
    },
    { label: 'gzip claimed', body: '{"name":"x"}', headers: { 'content-encoding': 'gzip' } },
    { label: 'unknown encoding', body: '{"name":"x"}', headers: { 'content-encoding': 'klingon' } },
    {
      label: 'over 1 MB',
      body: `{"name":"${'z'.repeat(1_100_000)}"}`,
      contentType: 'application/json',
    },
  ),
);

interface Failure {
  route: string;
  label: string;
  problem: string;
  status: number;
  sent: string;
  answer: string;
}

describe('hostile bodies and queries on every REST route (property-based, fast-check)', () => {
  let t: TestApp;
  let admin: string;
  const prototypesBefore = prototypeSnapshot();

  beforeAll(async () => {
    t = await startTestApp({ env: ENV });
    admin = await login(t);
  });

  afterAll(async () => {
    await t.close();
  });

  /** node:http rather than fetch: fetch refuses a GET with a body, and raw bytes are the point. */
  function send(
    r: Request,
    token: string | undefined,
  ): Promise<{ status: number; text: string; json: unknown }> {
    const headers: Record<string, string> = { ...r.headers };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (r.body !== undefined) {
      headers['content-type'] = r.contentType ?? 'application/json';
      // Framed, always: Node sends an unframed body after a GET as bytes that are not HTTP.
      headers['content-length'] = String(Buffer.byteLength(r.body));
    }
    const url = `${t.baseUrl}/api/v1${r.path}${r.query === '' ? '' : `?${r.query}`}`;
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method: r.method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          if ((res.headers['content-type'] ?? '').includes('json')) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      });
      // A server that answers 413 may stop reading: the answer, not the broken upload, counts.
      req.on('error', (err) => reject(err));
      req.end(r.body);
    });
  }

  /** What is wrong with the answer (undefined: nothing). `as` is who sent it. */
  function judge(
    r: Request,
    status: number,
    json: unknown,
    as: 'admin' | 'anonymous' | 'raw',
  ): string | undefined {
    if (status >= 500) return 'a 5xx';
    let code: string | undefined;
    if (status >= 400) {
      const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      if (typeof error?.code !== 'string' || typeof error.message !== 'string')
        return 'a 4xx without { error: { code, message } }';
      code = error.code;
      if (!CONTRACT_CODES.includes(code)) return `${code} is not a contract code`;
      if (code === 'INTERNAL') return 'INTERNAL below 500';
    }
    if (as === 'raw') return undefined;
    if (as === 'anonymous' && r.admin) {
      // The body parser and the router (a path that does not decode) answer before any guard.
      const refusedEarlier = code === 'VALIDATION_FAILED' && (r.malformed || !decodes(r.path));
      return code === 'UNAUTHORIZED' || refusedEarlier
        ? undefined
        : 'an admin route without a valid token must answer UNAUTHORIZED';
    }
    if (r.malformed && !(status === 400 && code === 'VALIDATION_FAILED'))
      return 'a malformed request must get 400 VALIDATION_FAILED';
    return undefined;
  }

  async function storm(
    requests: fc.Arbitrary<Request[]>,
    numRuns: number,
    as: 'admin' | 'anonymous' | 'raw',
    tokenFor: () => string | undefined,
  ): Promise<{ sent: number; succeeded: Record<string, number> }> {
    let sent = 0;
    const succeeded: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(requests, async (batch) => {
        const failures: Failure[] = [];
        await inParallel(batch, 8, async (r) => {
          const { status, text, json } = await send(r, tokenFor());
          sent++;
          if (status < 300) succeeded[r.route] = (succeeded[r.route] ?? 0) + 1;
          const problem = judge(r, status, json, as);
          if (problem !== undefined) {
            failures.push({
              route: r.route,
              label: r.label,
              problem,
              status,
              sent: `${r.method} ${r.path}?${r.query.slice(0, 200)} ${String(r.body).slice(0, 200)}`,
              answer: text.slice(0, 300),
            });
          }
        });
        if (failures.length > 0) throw new Error(JSON.stringify(failures.slice(0, 5), null, 1));
      }),
      { seed: SEED, numRuns, endOnFailure: true },
    );
    return { sent, succeeded };
  }

  async function expectUnharmed(logsBefore: number): Promise<void> {
    const health = await fetch(`${t.baseUrl}/health`);
    expect({ status: health.status, body: (await health.json()) as unknown }).toEqual({
      status: 200,
      body: { status: 'ok', db: 'up' },
    });
    // The admin is still who they were: no generated request got hold of or changed the account.
    const me = await fetch(`${t.baseUrl}/api/v1/facilitators`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(me.status).toBe(200);
    expectNothingPolluted(prototypesBefore);
    const errors = capturedLogs
      .slice(logsBefore)
      .filter((line) => line.includes('"level":"error"'));
    expect(errors).toEqual([]);
  }

  const BATCH = 16;
  const requests = fc.array(
    fc.oneof({ arbitrary: bodyCases(), weight: 3 }, { arbitrary: queryCases(), weight: 2 }),
    {
      minLength: BATCH,
      maxLength: BATCH,
    },
  );

  test('signed in as admin: 1,600 generated bodies and queries', async () => {
    const logsBefore = capturedLogs.length;
    const { sent, succeeded } = await storm(requests, 100, 'admin', () => admin);
    expect(sent).toBe(100 * BATCH);
    // The well-formed share got past validation into the services: hostile text was stored.
    for (const route of [
      'POST /rooms',
      'POST /meetings',
      'POST /imports',
      'GET /meetings',
      'GET /rooms',
    ])
      expect({ route, succeeded: (succeeded[route] ?? 0) > 0 }).toEqual({ route, succeeded: true });
    await expectUnharmed(logsBefore);
  });

  test('not signed in, or with a forged token: 480 generated bodies and queries', async () => {
    const logsBefore = capturedLogs.length;
    const forged = [
      undefined,
      'forged',
      'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
      `${admin}x`,
      "'; DROP TABLE account; --",
    ];
    let i = 0;
    const { sent, succeeded } = await storm(
      requests,
      30,
      'anonymous',
      () => forged[i++ % forged.length],
    );
    expect(sent).toBe(30 * BATCH);
    // Nothing behind the admin guard succeeded without a valid token.
    const adminRoutes = new Set([
      ...Object.entries(BODY_ROUTES)
        .filter(([, r]) => r.admin)
        .map(([name]) => name),
      ...Object.entries(QUERY_ROUTES)
        .filter(([, r]) => r.admin)
        .map(([name]) => name),
    ]);
    expect(Object.keys(succeeded).filter((route) => adminRoutes.has(route))).toEqual([]);
    await expectUnharmed(logsBefore);
  });

  test('raw bodies (not UTF-8, broken JSON, other types, too deep, too big) on every route: 640 requests', async () => {
    const logsBefore = capturedLogs.length;
    const routes = [...Object.keys(BODY_ROUTES), ...Object.keys(QUERY_ROUTES), ...NO_BODY_ROUTES];
    const raw = fc
      .tuple(fc.constantFrom(...routes), RAW_BODIES, fc.boolean(), pathId)
      .map(([route, body, withQuery, id]): Request => {
        const [method, template] = route.split(' ') as [string, string];
        const path = template.replace(/:(id|slug)/, id);
        return {
          route,
          method: method === 'GET' ? 'POST' : method,
          path,
          query: withQuery ? 'q=%ED%A0%80&limit=%ff' : '',
          admin: false,
          malformed: true,
          ...body,
        };
      });
    const { sent } = await storm(
      fc.array(raw, { minLength: BATCH, maxLength: BATCH }),
      40,
      'raw',
      () => admin,
    );
    expect(sent).toBe(40 * BATCH);
    await expectUnharmed(logsBefore);
  });

  test('the same raw bodies on the GET routes and to a participant refresh', async () => {
    const logsBefore = capturedLogs.length;
    const participant = (await (
      await fetch(`${t.baseUrl}/api/v1/participants`, { method: 'POST' })
    ).json()) as { token: string };
    const routes = [
      'GET /meetings',
      'GET /rooms',
      'GET /moderation/audit',
      'POST /participants/refresh',
    ];
    const raw = fc.tuple(fc.constantFrom(...routes), RAW_BODIES).map(([route, body]): Request => {
      const [method, path] = route.split(' ') as [string, string];
      return { route, method, path, query: '', admin: false, malformed: true, ...body };
    });
    const tokens = [admin, participant.token, randomUUID()];
    let i = 0;
    const { sent } = await storm(
      fc.array(raw, { minLength: BATCH, maxLength: BATCH }),
      10,
      'raw',
      () => tokens[i++ % tokens.length],
    );
    expect(sent).toBe(10 * BATCH);
    await expectUnharmed(logsBefore);
  });
});
