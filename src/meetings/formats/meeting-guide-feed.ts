import type { MeetingResponseDto } from '../dto/meeting-response.dto.js';

/** Meeting Guide's `updated` format: "YYYY-MM-DD HH:MM:SS", UTC. */
function meetingGuideTimestamp(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');
}

const OMIT = new Set([
  'roomId',
  'nextStart',
  'nextEnd',
  'inProgress',
  'distanceKm',
  'groupId',
  'updated',
]);

/**
 * One meeting as a Meeting Guide feed entry: the spec's field names, empty fields left out, plus
 * `fellowship` and `attendance_option` (extensions that consumers ignore and that let another
 * Meetinghouse re-import the feed without losing anything).
 */
export function toMeetingGuideEntry(meeting: MeetingResponseDto): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meeting)) {
    if (OMIT.has(key) || value === null) continue;
    entry[key] = value;
  }
  entry.updated = meetingGuideTimestamp(meeting.updated);
  return entry;
}
