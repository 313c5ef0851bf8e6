import { DomainError } from './errors/domain-error.js';

/** A list position after (or before) the row at `at` with id `id`: opaque to clients. */
export interface Keyset {
  at: Date;
  id: string;
}

export function encodeKeyset(k: Keyset): string {
  return Buffer.from(JSON.stringify({ t: k.at.toISOString(), i: k.id })).toString('base64url');
}

export function decodeKeyset(cursor: string | undefined): Keyset | undefined {
  if (cursor === undefined) return undefined;
  try {
    const { t, i } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      t?: unknown;
      i?: unknown;
    };
    const at = typeof t === 'string' ? new Date(t) : undefined;
    if (
      at !== undefined &&
      !Number.isNaN(at.getTime()) &&
      typeof i === 'string' &&
      /^[0-9a-f-]{36}$/.test(i)
    ) {
      return { at, id: i };
    }
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API gave out', [
    { field: 'cursor', message: 'pass nextCursor from the previous page unchanged' },
  ]);
}
