import type { MeetingRecord } from '../meeting-record.js';

/**
 * One row of an import after format-specific parsing and before the shared checks
 * (normalizeMeeting). A row the parser could not read at all carries `error` instead of `record`.
 */
export interface ImportRow {
  /** 0-based position of the row in the submitted data (for CSV: the data row, header excluded). */
  index: number;
  /** The row's identity within its source (Meeting Guide slug, `bmlt-<id>`, CSV slug), if it has one. */
  sourceSlug: string | null;
  record?: MeetingRecord;
  error?: string;
}

export interface ParseOptions {
  /** The import's `fellowship` parameter: needed to resolve type names, and the default fellowship. */
  fellowship: string | undefined;
  /** The import's `timezone` parameter: the default for rows without one. */
  timezone: string | undefined;
}
