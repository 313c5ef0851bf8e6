/**
 * Hostile input for the property-based tests in this folder. A payload is described by its
 * fields (kind, bounds, whether it is required); from that, fast-check builds two kinds of case:
 *
 * - malformed: wrong by construction (a field of the wrong type or out of bounds, a required
 *   field missing, an unknown or prototype key, a non-object, extra arguments), so the only right
 *   answer is VALIDATION_FAILED;
 * - well-formed but hostile: every field has the right type and size, and the text in it is SQL,
 *   HTML, lone surrogates, control and bidi characters, so any contract answer is right except a
 *   crash (INTERNAL, 5xx, a dropped connection).
 *
 * Deep, huge and binary values are built without recursion, so that building them never fails
 * in the test process before the server gets to see them.
 */
import fc from 'fast-check';

/** One seed for the folder: a failing run is replayed exactly by running it again. */
export const SEED = 20_261_122;

/** The error codes CONTRACT.md lists for REST bodies and socket acks. */
export const CONTRACT_CODES: readonly string[] = [
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'ROOM_CLOSED',
  'ROOM_LOCKED',
  'WAITING_FOR_ADMISSION',
  'NOT_IN_ROOM',
  'HANDLE_TAKEN',
  'MUTED',
  'BANNED',
  'SLOW_MODE',
  'RATE_LIMITED',
  'CONFLICT',
  'INTERNAL',
];

export const SQL_TEXT = [
  "'; DROP TABLE meeting; --",
  "' OR '1'='1",
  '" OR ""="',
  '1); DELETE FROM participant; --',
  "' UNION SELECT token_hash, null FROM participant --",
  "x' AND pg_sleep(5) IS NULL --",
  '$1::text',
  '%_%\\',
  "E'\\x00'",
  '$$ ; COMMIT; $$',
  "'; NOTIFY socket_io, 'x'; --",
] as const;

export const HTML_TEXT = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "javascript:alert('x')",
  '<iframe srcdoc="<script>parent.alert(1)</script>">',
  '{{constructor.constructor("alert(1)")()}}',
  '${7*7}',
  '&lt;b&gt;&amp;',
  '<!--',
  ']]><x>',
] as const;

/** Text that is valid JSON but troublesome elsewhere: encodings, terminals, databases, logs. */
export const ODD_TEXT = [
  '\ud800',
  '\udfff',
  'a\ud800b',
  '\udc00\ud800',
  '\u0000',
  'nul\u0000byte',
  '\u202eevil\u202c',
  '\u200b\u200d\ufeff',
  '\u001b[31mred\u001b[0m',
  'line\r\nInjected: header',
  'e\u0301\u0301\u0301',
  '𝕳𝖊𝖑𝖑𝖔 👩‍👩‍👧‍👦',
  '\uffff\ufffe',
  '%00%ff%ED%A0%80',
  '\\u0000',
  'ＳＥＬＥＣＴ',
  'null',
  'undefined',
  '__proto__',
] as const;

/** Byte sequences that are not UTF-8: overlong, surrogates, out of range, truncated. */
export const INVALID_UTF8: readonly number[][] = [
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe0, 0xa4],
  [0x80],
  [0xe2, 0x82],
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Short hostile text of any kind, possibly several kinds glued together. */
export const hostileText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(...SQL_TEXT),
      fc.constantFrom(...HTML_TEXT),
      fc.constantFrom(...ODD_TEXT),
      loneSurrogate,
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({ maxLength: 12 }),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((parts) => parts.join(''));

/** Hostile text cut or padded to fit [min, max] UTF-16 units. */
export function hostileTextWithin(min: number, max: number): fc.Arbitrary<string> {
  return hostileText.map((text) => {
    const cut = text.slice(0, max);
    return cut.length >= min ? cut : cut + 'x'.repeat(min - cut.length);
  });
}

/** Nested arrays or objects, `depth` levels, built bottom-up without recursion. */
export function nested(depth: number, kind: 'array' | 'object' | 'mixed', leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) {
    const asArray = kind === 'array' || (kind === 'mixed' && level % 2 === 0);
    value = asArray ? [value] : { a: value };
  }
  return value;
}

/** Deeper than the service accepts (32 levels): mostly a little deeper, sometimes thousands. */
export const deepValue: fc.Arbitrary<unknown> = fc
  .record({
    depth: fc.oneof(
      { arbitrary: fc.integer({ min: 33, max: 120 }), weight: 3 },
      { arbitrary: fc.integer({ min: 1000, max: 4000 }), weight: 1 },
    ),
    kind: fc.constantFrom('array' as const, 'object' as const, 'mixed' as const),
    leaf: fc.oneof(fc.constant(1), fc.constant('x'), fc.constant(null), fc.constant({})),
  })
  .map(({ depth, kind, leaf }) => nested(depth, kind, leaf));

/** Large arrays and strings that still fit one socket frame (under 1 MB as JSON). */
export const hugeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .record({
      length: fc.integer({ min: 10_000, max: 150_000 }),
      item: fc.constantFrom(0, null, 'x' as unknown, true),
    })
    .map(({ length, item }) => new Array<unknown>(length).fill(item)),
  fc
    .record({
      length: fc.integer({ min: 2_001, max: 300_000 }),
      seed: fc.constantFrom(...SQL_TEXT),
    })
    .map(({ length, seed }) => (seed + 'x'.repeat(length)).slice(0, length)),
);

/** Raw bytes, mostly not UTF-8 (socket.io sends them as binary attachments). */
export const binaryValue: fc.Arbitrary<Buffer> = fc.oneof(
  fc.constantFrom(...INVALID_UTF8).map((bytes) => Buffer.from(bytes)),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
);

/** Names of Object.prototype's members: as payload keys, the usual way to confuse a parser. */
export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  '__lookupSetter__',
] as const;

/** `{ <key>: … }` where the key is an own property (JSON.parse makes it one, as a server's parser would). */
export const prototypeKeyed: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    key: fc.constantFrom('__proto__', 'constructor', 'prototype'),
    inner: fc.constantFrom(
      '{"polluted":"yes","isAdmin":true}',
      '{"prototype":{"polluted":"yes"}}',
      '"polluted"',
      '[1]',
      'null',
    ),
  })
  .map(({ key, inner }) => JSON.parse(`{"${key}":${inner}}`) as Record<string, unknown>);

/** Any small JSON value. */
export const smallJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

/** Values that are not strings (and not null: null means "absent" for optional fields). */
export const nonString: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant({}),
  fc.array(smallJson, { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), smallJson, { maxKeys: 4 }),
  deepValue,
  hugeValue.filter((v) => typeof v !== 'string'),
  binaryValue,
  prototypeKeyed,
);

/** Values that are not numbers (strings included: "5" is not 5). */
const nonNumber: fc.Arbitrary<unknown> = fc.oneof(
  nonString.filter((v) => typeof v !== 'number'),
  fc.constantFrom('5', '0', '1e3', '', ' 1', '0x10', 'NaN', 'Infinity'),
  hostileText,
);

/** A field of a payload: its type and bounds, and whether it must be there. */
export type FieldSpec = { required?: boolean; nullable?: boolean } & (
  | { kind: 'uuid' }
  | { kind: 'text'; min: number; max: number }
  /** No `max`: any integer from `min` up is valid. */
  | { kind: 'int'; min: number; max?: number }
  | { kind: 'number' }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  /** A string with a format (slug, email, instant, "HH:MM"): `valid` makes one. */
  | { kind: 'format'; valid: fc.Arbitrary<string> }
  /** Import data: a JSON array or object, or CSV text. */
  | { kind: 'data'; valid: fc.Arbitrary<unknown> }
);

export type Shape = Record<string, FieldSpec>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Strings that fit no format the API defines (none is a uuid, slug, email, instant or time). */
const unformatted: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQL_TEXT, ...HTML_TEXT, 'not a uuid', 'Not A Slug', '25 61', '2026-13-45 x'),
  hostileText.filter((s) => /[\s<'"%;\\]/.test(s) && !UUID.test(s)),
);

/** A value the field's validator refuses, whatever else the payload holds. */
export function wrongValue(spec: FieldSpec): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [];
  switch (spec.kind) {
    case 'uuid':
    case 'format':
      options.push(nonString, unformatted);
      break;
    case 'text':
      options.push(
        nonString,
        fc.integer({ min: spec.max + 1, max: 300_000 }).map((n) => 'y'.repeat(n)),
      );
      if (spec.min > 0) options.push(fc.constant(''));
      break;
    case 'int':
      options.push(
        nonNumber,
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
        fc.integer({ min: spec.min - 1_000_000, max: spec.min - 1 }),
      );
      if (spec.max !== undefined)
        options.push(
          fc.integer({ min: spec.max + 1, max: spec.max + 1_000_000 }),
          fc.constant(1e300),
        );
      break;
    case 'number':
      options.push(nonNumber);
      break;
    case 'bool':
      options.push(
        nonString.filter((v) => typeof v !== 'boolean'),
        fc.constantFrom('true', 'false', 1, 0),
      );
      break;
    case 'enum':
      options.push(
        nonString,
        hostileText.filter((s) => !spec.values.includes(s)),
        fc.constantFrom(...spec.values.map((v) => v.toUpperCase() + ' ')),
      );
      break;
    case 'data':
      options.push(fc.integer(), fc.boolean());
      break;
  }
  if (spec.required === true && spec.nullable !== true && spec.kind !== 'data')
    options.push(fc.constant(null));
  return fc.oneof(...options);
}

/** A value of the right type and size, with hostile text wherever there is text. */
export function wellFormedValue(spec: FieldSpec): fc.Arbitrary<unknown> {
  let value: fc.Arbitrary<unknown>;
  switch (spec.kind) {
    case 'uuid':
      value = fc.uuid();
      break;
    case 'text':
      value = hostileTextWithin(spec.min, spec.max);
      break;
    case 'int':
      value = fc.integer({ min: spec.min, max: Math.min(spec.max ?? 0x7fffffff, 0x7fffffff) });
      break;
    case 'number':
      value = fc.double({ min: -1e6, max: 1e6, noNaN: true });
      break;
    case 'bool':
      value = fc.boolean();
      break;
    case 'enum':
      value = fc.constantFrom(...spec.values);
      break;
    case 'format':
    case 'data':
      value = spec.valid;
      break;
  }
  return spec.nullable === true
    ? fc.oneof({ arbitrary: value, weight: 4 }, fc.constant(null))
    : value;
}

/** A well-formed payload: required fields always, optional ones sometimes; `fixed` overrides. */
export function wellFormed(
  shape: Shape,
  fixed: Record<string, fc.Arbitrary<unknown>> = {},
): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(shape)) {
    fields[name] = fixed[name] ?? wellFormedValue(spec);
    if (spec.required === true) required.push(name);
  }
  return fc.record(fields, { requiredKeys: required });
}

/** One way of getting a payload wrong, with a label for the failure report. */
export interface Malformed {
  label: string;
  /** What is sent: the socket event's arguments, or a REST body as a one-element list. */
  args: unknown[];
}

function withKey(
  payload: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...payload };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/**
 * Payloads the validator must refuse. `shape` is the payload's fields, `valid` a generator of
 * correct payloads to break; `topLevel` adds the non-object and argument-count cases (socket
 * events; a REST body's framing has its own tests).
 */
export function malformed(
  shape: Shape,
  valid: fc.Arbitrary<Record<string, unknown>>,
  options: { topLevel: boolean },
): fc.Arbitrary<Malformed> {
  const names = Object.keys(shape);
  const required = names.filter((name) => shape[name]?.required === true);
  const cases: fc.Arbitrary<Malformed>[] = [];
  if (names.length > 0) {
    cases.push(
      fc
        .constantFrom(...names)
        .chain((name) => fc.tuple(fc.constant(name), valid, wrongValue(shape[name] as FieldSpec)))
        .map(([name, payload, wrong]) => ({
          label: `${name} wrong`,
          args: [withKey(payload, name, wrong)],
        })),
    );
  }
  if (required.length > 0) {
    cases.push(
      fc.tuple(fc.constantFrom(...required), valid).map(([name, payload]) => {
        const copy = { ...payload };
        delete copy[name];
        return { label: `${name} missing`, args: [copy] };
      }),
    );
  }
  cases.push(
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom(...PROTOTYPE_NAMES, 'prototype', 'role', 'isAdmin', 'ok'),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }),
        ),
        valid,
        fc.oneof({ arbitrary: smallJson, weight: 4 }, prototypeKeyed, deepValue),
      )
      .filter(([key]) => !names.includes(key))
      .map(([key, payload, value]) => ({
        label: `unknown key ${JSON.stringify(key)}`,
        args: [withKey(payload, key, value)],
      })),
  );
  if (options.topLevel) {
    cases.push(
      fc
        .oneof(
          smallJson.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
          hostileText,
          deepValue,
          hugeValue,
          binaryValue,
          valid.map((payload) => [payload]),
        )
        .map((value) => ({ label: 'not an object', args: [value] })),
      fc.constant({ label: 'no payload', args: [] }),
      fc
        .tuple(valid, fc.oneof(smallJson, hugeValue, binaryValue))
        .map(([payload, extra]) => ({ label: 'an extra argument', args: [payload, extra] })),
    );
  }
  return fc.oneof(...cases);
}

/** Everything that must hold of a prototype after a storm: nothing added to it. */
export function prototypeSnapshot(): Record<string, string[]> {
  return {
    object: Object.getOwnPropertyNames(Object.prototype).sort(),
    array: Object.getOwnPropertyNames(Array.prototype).sort(),
    string: Object.getOwnPropertyNames(String.prototype).sort(),
    function: Object.getOwnPropertyNames(Function.prototype).sort(),
  };
}

export function expectNothingPolluted(before: Record<string, string[]>): void {
  const probe = {} as Record<string, unknown>;
  expect({ polluted: probe.polluted, isAdmin: probe.isAdmin }).toEqual({
    polluted: undefined,
    isAdmin: undefined,
  });
  expect(prototypeSnapshot()).toEqual(before);
}

/** Runs `work` over `items` with at most `limit` at a time, in order of start. */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
