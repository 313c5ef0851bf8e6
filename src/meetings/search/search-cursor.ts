import { DomainError } from '../../common/errors/domain-error.js';
import type { MeetingSort } from '../dto/search-meetings.dto.js';
import type { SortKey } from './meeting-search.sql.js';

/**
 * The cursor pins the `now` of the first page, so later pages continue the same list even as
 * the clock moves (otherwise a meeting that starts in between could be skipped or repeated).
 */
export interface SearchCursor {
  now: Date;
  sort: MeetingSort;
  after: SortKey;
}

interface Encoded {
  n: string;
  s: MeetingSort;
  v: string | number;
  i: string;
}

export function encodeCursor(cursor: SearchCursor): string {
  const payload: Encoded = {
    n: cursor.now.toISOString(),
    s: cursor.sort,
    v: cursor.after.value,
    i: cursor.after.id,
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function decodeCursor(text: string, sort: MeetingSort): SearchCursor {
  const invalid = new DomainError('VALIDATION_FAILED', 'cursor is not one this API gave out', [
    { field: 'cursor', message: 'pass nextCursor from the previous page unchanged' },
  ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid;
  const { n, s, v, i } = parsed as Partial<Encoded>;
  const now = typeof n === 'string' ? new Date(n) : undefined;
  if (now === undefined || Number.isNaN(now.getTime()) || typeof i !== 'string' || !UUID.test(i))
    throw invalid;
  if (s !== sort) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `cursor belongs to a search sorted by ${String(s)}, not ${sort}`,
      [{ field: 'cursor', message: 'keep the same sort (and filters) when paging' }],
    );
  }
  const valueOk =
    (sort === 'distance' && ((typeof v === 'number' && Number.isFinite(v)) || v === 'Infinity')) ||
    (sort === 'next_start' && typeof v === 'string' && !Number.isNaN(new Date(v).getTime())) ||
    (sort === 'name' && typeof v === 'string' && v.length <= 200);
  if (!valueOk) throw invalid;
  return { now, sort, after: { value: v, id: i } };
}
