/**
 * RFC 5545 rendering of weekly meetings: one VEVENT per meeting with a weekly RRULE in the
 * meeting's own zone, and a VTIMEZONE per zone generated from Node's Intl data (ICU's copy of
 * the tz database), so no tz package has to be kept in step with Node.
 */

export interface CalendarMeeting {
  slug: string;
  name: string;
  /** 0=Sunday … 6=Saturday, sorted, non-empty. */
  days: number[];
  /** Local minutes after midnight, 0..1439. */
  startMinute: number;
  /** 1..720; the meeting may end after midnight (23:00–01:00). */
  durationMinutes: number;
  /** Canonical IANA zone. */
  timezone: string;
  location: string | null;
  formattedAddress: string | null;
  conferenceUrl: string | null;
  conferencePhone: string | null;
  notes: string | null;
  /** The meeting's public page, if known. */
  url: string | null;
  updatedAt: Date;
}

export interface CalendarOptions {
  /** X-WR-CALNAME. */
  calendarName: string;
  /** DTSTAMP, and the reference for choosing each DTSTART. */
  now: Date;
  /** UID = `${slug}@${uidDomain}`. */
  uidDomain: string;
}

const PRODID = '-//Meetinghouse//Meetings//EN';
const DAY_CODES = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MAX_LINE_OCTETS = 75;
const MAX_DURATION_MINUTES = 720;
/** Years of transitions after the first DTSTART's year that each VTIMEZONE spells out. */
const YEARS_FORWARD = 10;

export function renderCalendar(meetings: CalendarMeeting[], options: CalendarOptions): string {
  const nowMs = validDate(options.now, 'now');
  const events: string[][] = [];
  // Per zone, the earliest local DTSTART year, which fixes the VTIMEZONE's coverage.
  const zoneYears = new Map<string, number>();

  for (const meeting of meetings) {
    checkMeeting(meeting);
    const event = renderEvent(meeting, options, nowMs);
    events.push(event.lines);
    const known = zoneYears.get(meeting.timezone);
    if (known === undefined || event.startYear < known) {
      zoneYears.set(meeting.timezone, event.startYear);
    }
  }

  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODID}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(options.calendarName)}`,
  ];
  for (const zone of [...zoneYears.keys()].sort()) {
    lines.push(...vtimezone(zone, zoneYears.get(zone) as number));
  }
  for (const event of events) lines.push(...event);
  lines.push('END:VCALENDAR');

  return lines.map((line) => fold(line) + '\r\n').join('');
}

// ---------------------------------------------------------------------------------------------
// VEVENT

function renderEvent(
  meeting: CalendarMeeting,
  options: CalendarOptions,
  nowMs: number,
): { lines: string[]; startYear: number } {
  const zone = meeting.timezone;
  const days = [...new Set(meeting.days)].sort((a, b) => a - b);

  // Local times are handled as "wall clock read as UTC" milliseconds, so calendar arithmetic
  // is plain addition and never meets the host's own zone.
  const today = Math.floor(toWallClock(zone, nowMs) / DAY_MS) * DAY_MS;
  let date = today - 7 * DAY_MS;
  while (!days.includes(new Date(date).getUTCDay())) date += DAY_MS;
  const startLocal = date + meeting.startMinute * MINUTE_MS;
  const endLocal = startLocal + meeting.durationMinutes * MINUTE_MS;
  const tzid = `;TZID=${paramValue(zone)}`;

  const lines = [
    'BEGIN:VEVENT',
    `UID:${escapeText(`${meeting.slug}@${options.uidDomain}`)}`,
    `DTSTAMP:${formatUtc(nowMs)}`,
    `SUMMARY:${escapeText(meeting.name)}`,
    `DTSTART${tzid}:${formatLocal(startLocal)}`,
  ];

  // With DTEND, every instance lasts the *exact* DTEND − DTSTART of the first one (§3.8.5.3).
  // When the first instance falls on a DST night (a start or end that is skipped or repeated,
  // or an offset change in between), that exact length is not the meeting's length, or depends
  // on how a client resolves the skipped/repeated time, and the error would repeat every week;
  // DURATION states the length itself and means the same to every client.
  const starts = localToInstants(zone, startLocal);
  const ends = localToInstants(zone, endLocal);
  const unambiguous =
    starts.length === 1 &&
    ends.length === 1 &&
    (ends[0] as number) - (starts[0] as number) === meeting.durationMinutes * MINUTE_MS;
  lines.push(
    unambiguous
      ? `DTEND${tzid}:${formatLocal(endLocal)}`
      : `DURATION:${formatDuration(meeting.durationMinutes)}`,
  );
  lines.push(`RRULE:FREQ=WEEKLY;BYDAY=${days.map((d) => DAY_CODES[d]).join(',')}`);

  const location = present(meeting.location);
  const address = present(meeting.formattedAddress);
  const conferenceUrl = present(meeting.conferenceUrl);
  const conferencePhone = present(meeting.conferencePhone);
  const notes = present(meeting.notes);

  const place = [location, address].filter((part) => part !== null);
  const where = place.length > 0 ? place.join(', ') : conferenceUrl;
  if (where !== null) lines.push(`LOCATION:${escapeText(where)}`);

  const description = [
    notes,
    conferenceUrl === null ? null : `Join online: ${conferenceUrl}`,
    conferencePhone === null ? null : `Join by phone: ${conferencePhone}`,
  ].filter((part) => part !== null);
  if (description.length > 0) lines.push(`DESCRIPTION:${escapeText(description.join('\n'))}`);

  const link = uriValue(meeting.url) ?? uriValue(meeting.conferenceUrl);
  if (link !== null) lines.push(`URL:${link}`);
  lines.push(`LAST-MODIFIED:${formatUtc(meeting.updatedAt.getTime())}`, 'END:VEVENT');

  return { lines, startYear: new Date(startLocal).getUTCFullYear() };
}

function checkMeeting(meeting: CalendarMeeting): void {
  const where = `meeting ${JSON.stringify(meeting.slug)}`;
  if (
    meeting.days.length === 0 ||
    !meeting.days.every((d) => Number.isInteger(d) && d >= 0 && d <= 6)
  ) {
    throw new RangeError(`${where}: days must be a non-empty list of 0..6`);
  }
  if (
    !Number.isInteger(meeting.startMinute) ||
    meeting.startMinute < 0 ||
    meeting.startMinute > 1439
  ) {
    throw new RangeError(`${where}: startMinute must be an integer in 0..1439`);
  }
  if (
    !Number.isInteger(meeting.durationMinutes) ||
    meeting.durationMinutes < 1 ||
    meeting.durationMinutes > MAX_DURATION_MINUTES
  ) {
    throw new RangeError(
      `${where}: durationMinutes must be an integer in 1..${MAX_DURATION_MINUTES}`,
    );
  }
  validDate(meeting.updatedAt, `${where}: updatedAt`);
  // Throws RangeError for an unknown zone, before any output is built.
  offsetFormatter(meeting.timezone);
}

function validDate(value: Date, what: string): number {
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not a valid date`);
  return ms;
}

function present(value: string | null): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** URL is a URI, not TEXT: no backslash escapes, but nothing that could break the content line. */
function uriValue(value: string | null): string | null {
  const candidate = present(value);
  if (candidate === null) return null;
  try {
    const url = new URL(candidate);
    // Other schemes (javascript:, data:) have no business as a clickable link in a calendar.
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    // The WHATWG serialisation percent-encodes spaces, controls and non-ASCII characters.
    return url.href;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Time zone arithmetic over Intl

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function offsetFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = offsetFormatters.get(zone);
  if (!formatter) {
    // A fixed locale: others print the offset with their own digits and words.
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormatters.set(zone, formatter);
  }
  return formatter;
}

/** Seconds east of UTC in `zone` at the instant `ms`. */
function offsetSeconds(zone: string, ms: number): number {
  const name = offsetFormatter(zone)
    .formatToParts(ms)
    .find((part) => part.type === 'timeZoneName')?.value;
  // Some ICU versions print a zero offset as a bare "GMT"; local mean time carries seconds.
  const match = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name ?? '');
  if (!match) throw new Error(`Unexpected offset ${JSON.stringify(name)} for ${zone}`);
  if (match[1] === undefined) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4] ?? 0);
  return match[1] === '-' ? -seconds : seconds;
}

function toWallClock(zone: string, ms: number): number {
  return ms + offsetSeconds(zone, ms) * 1000;
}

/**
 * Every instant whose wall clock in `zone` reads `local`: none in a spring-forward gap, two in
 * a fall-back overlap, ascending.
 */
function localToInstants(zone: string, local: number): number[] {
  // A day either side brackets any single offset change near this wall-clock time.
  const candidates = new Set([
    offsetSeconds(zone, local - DAY_MS),
    offsetSeconds(zone, local + DAY_MS),
  ]);
  return [...candidates]
    .map((offset) => local - offset * 1000)
    .filter((ms) => toWallClock(zone, ms) === local)
    .sort((a, b) => a - b);
}

interface Transition {
  at: number;
  from: number;
  to: number;
}

/**
 * Offset changes in [startMs, endMs]. Sampling once a day misses two changes within one day,
 * which no zone has had in the years a meeting calendar covers.
 */
function findTransitions(zone: string, startMs: number, endMs: number): Transition[] {
  const transitions: Transition[] = [];
  let previous = startMs;
  let previousOffset = offsetSeconds(zone, startMs);
  for (let sample = startMs + DAY_MS; sample <= endMs; sample += DAY_MS) {
    const offset = offsetSeconds(zone, sample);
    if (offset !== previousOffset) {
      // Both ends are whole seconds, so the midpoints stay on whole seconds.
      let low = previous;
      let high = sample;
      while (high - low > 1000) {
        const middle = low + Math.floor((high - low) / 2000) * 1000;
        if (offsetSeconds(zone, middle) === previousOffset) low = middle;
        else high = middle;
      }
      transitions.push({ at: high, from: previousOffset, to: offsetSeconds(zone, high) });
    }
    previous = sample;
    previousOffset = offset;
  }
  return transitions;
}

// ---------------------------------------------------------------------------------------------
// VTIMEZONE

const vtimezoneCache = new Map<string, string[]>();

/** Covers 1 January of the year before `firstYear` through at least `YEARS_FORWARD` years on. */
function vtimezone(zone: string, firstYear: number): string[] {
  const key = `${zone}\n${firstYear}`;
  const cached = vtimezoneCache.get(key);
  if (cached) return cached;

  const fromYear = firstYear - 1;
  const toYear = firstYear + YEARS_FORWARD;
  const rangeStart = Date.UTC(fromYear, 0, 1);
  const transitions = findTransitions(zone, rangeStart, Date.UTC(toYear + 1, 0, 1));

  const lines = ['BEGIN:VTIMEZONE', `TZID:${escapeText(zone)}`];
  // Clients give times before a zone's first observance offset 0 (ical.js does), so when no
  // change precedes the events an observance must establish the offset they start in.
  const first = transitions[0];
  if (first === undefined || first.at >= Date.UTC(fromYear + 1, 0, 1)) {
    const offset = offsetSeconds(zone, rangeStart);
    lines.push(
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      `TZOFFSETFROM:${formatOffset(offset)}`,
      `TZOFFSETTO:${formatOffset(offset)}`,
      `TZNAME:${escapeText(zoneAbbreviation(zone, rangeStart, offset))}`,
      'END:STANDARD',
    );
  }

  const groups = new Map<string, Transition[]>();
  for (const transition of transitions) {
    const key = `${transition.from} ${transition.to}`;
    const group = groups.get(key);
    if (group) group.push(transition);
    else groups.set(key, [transition]);
  }

  for (const group of groups.values()) {
    const { from, to, at } = group[0] as Transition;
    // Onsets are written in the local time of the offset in force before the change.
    const onsets = group.map((transition) => transition.at + from * 1000);
    // Intl does not expose tzdb's DST flag; a forward change is what clients expect as daylight.
    const kind = to > from ? 'DAYLIGHT' : 'STANDARD';
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${formatLocal(onsets[0] as number)}`,
      `TZOFFSETFROM:${formatOffset(from)}`,
      `TZOFFSETTO:${formatOffset(to)}`,
    );
    const rule = yearlyRule(onsets, fromYear, toYear);
    if (rule !== null) {
      lines.push(`RRULE:${rule}`);
    } else {
      // One RDATE per onset, the first included: ical.js reads only the first value of each
      // RDATE property and ignores DTSTART when RDATEs are present; RFC readers drop the
      // duplicate of DTSTART.
      for (const onset of onsets) lines.push(`RDATE:${formatLocal(onset)}`);
    }
    lines.push(`TZNAME:${escapeText(zoneAbbreviation(zone, at, to))}`, `END:${kind}`);
  }

  lines.push('END:VTIMEZONE');
  vtimezoneCache.set(key, lines);
  return lines;
}

/**
 * `FREQ=YEARLY;BYMONTH=m;BYDAY=nDD` (or `-1DD`) when the onsets occur once in every year of the
 * range, always in the same month, on the same weekday and at the same local time, and always
 * the nth or always the last such weekday; otherwise null.
 */
function yearlyRule(onsets: number[], fromYear: number, toYear: number): string | null {
  const dates = onsets.map((onset) => new Date(onset));
  if (dates.length !== toYear - fromYear + 1) return null;
  const first = dates[0] as Date;
  const regular = dates.every(
    (date, i) =>
      date.getUTCFullYear() === fromYear + i &&
      date.getUTCMonth() === first.getUTCMonth() &&
      date.getUTCDay() === first.getUTCDay() &&
      date.getTime() % DAY_MS === first.getTime() % DAY_MS,
  );
  if (!regular) return null;

  const month = first.getUTCMonth() + 1;
  const weekday = DAY_CODES[first.getUTCDay()] as string;
  const daysInMonth = (date: Date): number =>
    new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  // "Last" is tested first: the last Sunday of October is the 4th in some years, the 5th in others.
  if (dates.every((date) => date.getUTCDate() + 7 > daysInMonth(date))) {
    return `FREQ=YEARLY;BYMONTH=${month};BYDAY=-1${weekday}`;
  }
  const nth = Math.ceil(first.getUTCDate() / 7);
  if (nth <= 4 && dates.every((date) => Math.ceil(date.getUTCDate() / 7) === nth)) {
    return `FREQ=YEARLY;BYMONTH=${month};BYDAY=${nth}${weekday}`;
  }
  return null;
}

/** English locales, in order, whose short zone names ICU gives as real abbreviations. */
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-AU', 'en-IN', 'en-NZ', 'en-CA', 'en-IE'];
const abbreviationFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * TZNAME is cosmetic, but "GMT+11" reads worse than "AEDT". ICU only has an abbreviation in the
 * locales where it is in use (AEDT in en-AU, BST in en-GB), so try a fixed list of English ones
 * and otherwise fall back to tzdb's numeric style ("+0530").
 */
function zoneAbbreviation(zone: string, at: number, offset: number): string {
  for (const locale of ABBREVIATION_LOCALES) {
    const key = `${locale} ${zone}`;
    let formatter = abbreviationFormatters.get(key);
    if (!formatter) {
      formatter = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' });
      abbreviationFormatters.set(key, formatter);
    }
    const name = formatter.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value;
    if (name !== undefined && /^[A-Z]{2,6}$/.test(name)) return name;
  }
  const text = formatOffset(offset);
  return text.endsWith('00') ? text.slice(0, 3) : text;
}

// ---------------------------------------------------------------------------------------------
// Value formatting

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `YYYYMMDDTHHMMSS` of a wall-clock-as-UTC value. */
function formatLocal(local: number): string {
  const d = new Date(local);
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
  );
}

function formatUtc(ms: number): string {
  return `${formatLocal(ms)}Z`;
}

/** UTC-OFFSET: the sign is required and `-0000` is not allowed, so zero is `+0000`. */
function formatOffset(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const rest = abs % 60;
  return (
    `${sign}${pad(Math.floor(abs / 3600))}${pad(Math.floor(abs / 60) % 60)}` +
    (rest === 0 ? '' : pad(rest))
  );
}

function formatDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `PT${hours > 0 ? `${hours}H` : ''}${rest > 0 ? `${rest}M` : ''}`;
}

/** Parameter values with `:`, `;` or `,` must be quoted; a quote itself cannot appear at all. */
function paramValue(value: string): string {
  const clean = value.replace(/"/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/** TEXT (§3.3.11): backslash, semicolon, comma and newlines escaped; other controls dropped. */
function escapeText(value: string): string {
  return (
    value
      // Unpaired surrogates have no UTF-8 encoding.
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex -- stripping controls is the point
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
      .replace(/[\\;,]/g, (ch) => `\\${ch}`)
      .replace(/\n/g, '\\n')
  );
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * Folds at 75 octets (§3.1): a continuation line's leading space counts, and a line is only
 * broken between characters, never inside a UTF-8 sequence.
 */
function fold(line: string): string {
  const pieces: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_LINE_OCTETS;
  for (const ch of line) {
    const size = utf8Length(ch.codePointAt(0) as number);
    if (octets + size > limit) {
      pieces.push(current);
      current = '';
      octets = 0;
      limit = MAX_LINE_OCTETS - 1;
    }
    current += ch;
    octets += size;
  }
  pieces.push(current);
  return pieces.join('\r\n ');
}
