import { resolveTypeLabel } from '../catalog/meeting-types.js';
import type { MeetingRecord } from '../meeting-record.js';
import type { ImportRow, ParseOptions } from './import-row.js';
import { ImportParseError } from './import-parse-error.js';
import { readCoordinate } from './parse-meeting-guide.js';

interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts (a quoted field may span several lines). */
  line: number;
  /** Set when the record's quoting is broken; its fields are then not to be trusted. */
  error?: string;
}

function isLineBreak(char: string | undefined): boolean {
  return char === '\n' || char === '\r';
}

function countLineBreaks(text: string): number {
  // CRLF is one break, a lone CR (old Mac files) is one too.
  return (text.match(/\r\n|\r|\n/g) ?? []).length;
}

/**
 * RFC 4180 as spreadsheets write it: comma separator, `"` enclosure with `""` for a quote,
 * line breaks allowed inside quotes, CRLF / LF / CR record ends, blanks around quotes ignored.
 *
 * Broken quoting in one record is reported on that record and reading resumes at the next
 * physical line, because outside quotes a line break always ends a record. Only a quote that is
 * never closed poisons the rest of the file, since from there on nothing says where records end.
 */
function readCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const end = text.length;
  let i = 0;
  let line = 1;

  const skipToLineEnd = (): void => {
    while (i < end && !isLineBreak(text[i])) i++;
  };

  while (i < end) {
    const record: CsvRecord = { fields: [], line };
    const setError = (message: string): void => {
      record.error ??= `line ${line}: ${message}`;
    };
    for (;;) {
      let j = i;
      while (text[j] === ' ' || text[j] === '\t') j++;
      if (text[j] === '"') {
        const openedOn = line;
        let value = '';
        i = j + 1;
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote === -1) {
            throw new ImportParseError(
              'csv',
              `CSV line ${openedOn}: a quoted field starts here and its closing quote never comes, so the rest of the file cannot be read (a quote inside a quoted field must be doubled: "")`,
              openedOn,
            );
          }
          const chunk = text.slice(i, quote);
          value += chunk;
          line += countLineBreaks(chunk);
          if (text[quote + 1] === '"') {
            value += '"';
            i = quote + 2;
          } else {
            i = quote + 1;
            break;
          }
        }
        record.fields.push(value);
        while (text[i] === ' ' || text[i] === '\t') i++;
        if (i < end && text[i] !== ',' && !isLineBreak(text[i])) {
          setError(
            `field ${record.fields.length} has text after its closing quote; a quote inside a quoted field must be doubled ("")`,
          );
          skipToLineEnd();
        }
      } else {
        while (i < end && text[i] !== ',' && !isLineBreak(text[i])) i++;
        const value = text.slice(j, i);
        if (value.includes('"')) {
          setError(
            `field ${record.fields.length + 1} contains a double quote but does not start with one; enclose the whole field in quotes and double the inner quote ("")`,
          );
        }
        record.fields.push(value);
      }
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    records.push(record);
  }
  return records;
}

/** TSML's header slugs: "Postal Code" → postal_code, "Conference URL Notes" → conference_url_notes. */
function headerKey(header: string): string {
  const key = header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return HEADER_ALIASES[key] ?? key;
}

const HEADER_ALIASES: Readonly<Record<string, string>> = {
  zip: 'postal_code',
  meeting: 'name',
  location_name: 'location',
  start_time: 'time',
};

const REQUIRED_COLUMNS = { day: 'Day', time: 'Time', name: 'Name' } as const;

/** Columns copied as text. */
const TEXT_COLUMNS = [
  'name',
  'fellowship',
  'timezone',
  'location',
  'formatted_address',
  'address',
  'city',
  'state',
  'postal_code',
  'country',
  'region',
  'sub_region',
  'conference_url',
  'conference_url_notes',
  'conference_phone',
  'conference_phone_notes',
  'group',
  'url',
] as const satisfies readonly (keyof MeetingRecord)[];

/** Free-text columns in which TSML writes line breaks as <br>. */
const NOTE_COLUMNS = ['notes', 'location_notes', 'group_notes'] as const;

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/**
 * TSML spellings that are not names in our catalogue: its AA aliases and legacy template names.
 * `null`: ONL, which TSML itself strips on import and recomputes from the conference fields.
 */
const TSML_TYPE_ALIASES: Readonly<Record<string, string | null>> = {
  'sign language': 'ASL',
  'outdoor meeting': 'OUT',
  'step meeting': 'ST',
  'temporary closure': 'TC',
  onl: null,
  'online meeting': null,
};

const MERIDIEM_TIME = /^(\d{1,2})(?:[:.](\d{2})(?::(\d{2}))?)?\s*([ap])\.?\s*m\.?$/;
const CLOCK_TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The times people write in meeting spreadsheets → "HH:MM". 24-hour values keep their digits
 * even when out of range ("25:00"), so that normalizeMeeting reports them; text we cannot read
 * at all gives undefined rather than PHP's silent 00:00.
 */
export function readTsmlTime(value: string): string | undefined {
  const text = value.trim().toLowerCase().replace(/\s+/g, ' ');
  if (text === 'noon' || text === '12 noon') return '12:00';
  if (text === 'midnight' || text === '12 midnight') return '00:00';
  const pad = (n: number): string => String(n).padStart(2, '0');

  const meridiem = MERIDIEM_TIME.exec(text);
  if (meridiem !== null) {
    const [, h = '', m = '00', s = '00', half] = meridiem;
    const hour = Number(h);
    if (hour < 1 || hour > 12 || Number(m) > 59 || Number(s) > 59) return undefined;
    return `${pad((hour % 12) + (half === 'p' ? 12 : 0))}:${m}`;
  }
  const clock = CLOCK_TIME.exec(text);
  if (clock !== null) {
    const [, h = '', m = ''] = clock;
    return `${pad(Number(h))}:${m}`;
  }
  return undefined;
}

/** "Monday" (any case) or "0"–"6" → 0–6. */
export function readTsmlDay(value: string): number | undefined {
  const text = value.trim().toLowerCase();
  if (/^[0-6]$/.test(text)) return Number(text);
  const index = DAY_NAMES.indexOf(text);
  return index === -1 ? undefined : index;
}

function readTypes(value: string, fellowship: string): string[] {
  const types: string[] = [];
  for (const label of value.split(',')) {
    const trimmed = label.trim();
    if (trimmed === '') continue;
    const code = resolveTypeLabel(trimmed, fellowship);
    if (code !== undefined) {
      types.push(code);
      continue;
    }
    const alias = TSML_TYPE_ALIASES[trimmed.toLowerCase()];
    if (alias === null) continue;
    // Unknown labels stay as written so that normalizeMeeting names them as unknown types.
    types.push(alias ?? trimmed);
  }
  return types;
}

interface Columns {
  /** Normalised column key → position in the record. */
  index: Map<string, number>;
  count: number;
}

function readHeader(record: CsvRecord): Columns {
  if (record.error !== undefined) {
    throw new ImportParseError('csv', `CSV header: ${record.error}`, record.line);
  }
  const index = new Map<string, number>();
  record.fields.forEach((header, position) => {
    const key = headerKey(header);
    if (key === '') return;
    const earlier = index.get(key);
    if (earlier !== undefined) {
      throw new ImportParseError(
        'csv',
        `CSV columns "${record.fields[earlier]?.trim()}" and "${header.trim()}" both mean ${key}; keep only one of them`,
        record.line,
      );
    }
    index.set(key, position);
  });
  const missing = Object.entries(REQUIRED_COLUMNS)
    .filter(([key]) => !index.has(key))
    .map(([, label]) => label);
  if (missing.length > 0) {
    throw new ImportParseError(
      'csv',
      `CSV is missing the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (the header row has: ${record.fields.map((h) => h.trim()).join(', ')})`,
      record.line,
    );
  }
  return { index, count: record.fields.length };
}

function isBlankRecord(record: CsvRecord): boolean {
  return record.error === undefined && record.fields.every((field) => field.trim() === '');
}

type RowResult = { record: MeetingRecord } | { error: string };

function readRow(
  get: (key: string) => string | undefined,
  line: number,
  options: ParseOptions,
): RowResult {
  const dayText = get('day');
  const timeText = get('time');
  if (dayText === undefined || timeText === undefined) {
    const missing = [dayText === undefined ? 'Day' : null, timeText === undefined ? 'Time' : null];
    return {
      error: `line ${line}: has no ${missing.filter((m) => m !== null).join(' or ')}: meetings by appointment are not supported, only weekly meetings with a day and time`,
    };
  }
  const day = readTsmlDay(dayText);
  if (day === undefined) {
    return {
      error: `line ${line}: Day "${dayText.slice(0, 30)}" is not a weekday name (Sunday … Saturday) or a number 0–6 (0 = Sunday); a meeting on several days needs one row per day`,
    };
  }
  const time = readTsmlTime(timeText);
  if (time === undefined) {
    return {
      error: `line ${line}: Time "${timeText.slice(0, 30)}" is not a time (write e.g. "6:30 PM", "18:30" or "noon")`,
    };
  }
  const record: MeetingRecord = { day, time };

  const endText = get('end_time');
  if (endText !== undefined) {
    const endTime = readTsmlTime(endText);
    if (endTime === undefined) {
      return {
        error: `line ${line}: End Time "${endText.slice(0, 30)}" is not a time (write e.g. "7:30 PM", "19:30" or "noon")`,
      };
    }
    record.end_time = endTime;
  }

  for (const key of TEXT_COLUMNS) {
    const value = get(key);
    if (value !== undefined) record[key] = value;
  }
  for (const key of NOTE_COLUMNS) {
    const value = get(key);
    if (value !== undefined) record[key] = value.replace(/<br\s*\/?>/gi, '\n');
  }
  const types = get('types');
  if (types !== undefined) {
    const fellowship = get('fellowship') ?? options.fellowship ?? 'aa';
    record.types = readTypes(types, fellowship.toLowerCase());
  }
  for (const key of ['latitude', 'longitude'] as const) {
    const value = get(key);
    if (value !== undefined) record[key] = readCoordinate(value);
  }
  const approximate = get('approximate');
  if (approximate !== undefined) {
    record.approximate = /^(yes|no)$/i.test(approximate) ? approximate.toLowerCase() : approximate;
  }
  const attendance = get('attendance_option');
  if (attendance !== undefined) {
    // TSML lower-cases it; "In-person" / "In Person" are the same choice spelled for humans.
    record.attendance_option = attendance.toLowerCase().replace(/[\s-]+/g, '_');
  }
  return { record };
}

/**
 * A TSML (12 Step Meeting List) import spreadsheet as CSV text → one ImportRow per non-blank
 * data row. Throws ImportParseError when the file as a whole cannot be read.
 */
export function parseTsmlCsv(text: string, options: ParseOptions): ImportRow[] {
  const records = readCsvRecords(text.replace(/^\uFEFF/, '')).filter((r) => !isBlankRecord(r));
  const [header, ...data] = records;
  if (header === undefined) {
    throw new ImportParseError('csv', 'CSV is empty: expected a header row and meeting rows');
  }
  const columns = readHeader(header);
  const firstLineBySlug = new Map<string, number>();

  return data.map((csv, index): ImportRow => {
    if (csv.error !== undefined) return { index, sourceSlug: null, error: csv.error };
    const get = (key: string): string | undefined => {
      const position = columns.index.get(key);
      const value = position === undefined ? undefined : csv.fields[position]?.trim();
      return value === '' ? undefined : value;
    };
    const sourceSlug = get('slug') ?? null;
    const fail = (error: string): ImportRow => ({ index, sourceSlug, error });

    // Short rows are fine (spreadsheets drop trailing empty cells); extra values mean a comma
    // that should have been quoted, and the columns after it are shifted.
    if (csv.fields.slice(columns.count).some((field) => field.trim() !== '')) {
      return fail(
        `line ${csv.line}: has ${csv.fields.length} fields but the header has ${columns.count}; a value containing a comma must be enclosed in double quotes`,
      );
    }
    if (sourceSlug !== null) {
      const first = firstLineBySlug.get(sourceSlug);
      if (first !== undefined) {
        return fail(
          `line ${csv.line}: duplicate Slug "${sourceSlug}", already used on line ${first}; each row needs its own`,
        );
      }
      firstLineBySlug.set(sourceSlug, csv.line);
    }

    const result = readRow(get, csv.line, options);
    if ('error' in result) return fail(result.error);
    if (sourceSlug !== null) result.record.slug = sourceSlug;
    return { index, sourceSlug, record: result.record };
  });
}
