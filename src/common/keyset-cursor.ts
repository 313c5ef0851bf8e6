import { DomainError } from './errors/domain-error.js';

/** A list position after (or before) the row at `at` with id `id`: opaque to clients. */
export interface Keyset {
  /** The timestamp as PostgreSQL printed it (microseconds; a JS Date would keep milliseconds). */
  at: string;
  id: string;
}

export function encodeKeyset(k: Keyset): string {
  return Buffer.from(JSON.stringify({ t: k.at, i: k.id })).toString('base64url');
}

export function decodeKeyset(cursor: string | undefined): Keyset | undefined {
  if (cursor === undefined) return undefined;
  try {
    const { t, i } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      t?: unknown;
      i?: unknown;
    };
    // PostgreSQL's text form of a timestamptz, e.g. "2026-11-22 18:30:00.123456+00".
    const readable =
      typeof t === 'string' &&
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(t);
    if (readable && typeof i === 'string' && /^[0-9a-f-]{36}$/.test(i)) return { at: t, id: i };
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API gave out', [
    { field: 'cursor', message: 'pass nextCursor from the previous page unchanged' },
  ]);
}
