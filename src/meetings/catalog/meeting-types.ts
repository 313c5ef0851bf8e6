import { MEETING_GUIDE_TYPES, NA_TYPES } from './meeting-types.data.js';

export interface MeetingTypeInfo {
  code: string;
  name: string;
  /** `null`: a Meeting Guide code, valid for every fellowship. */
  fellowship: string | null;
  description: string | null;
}

export const MEETING_TYPES: readonly MeetingTypeInfo[] = [
  ...Object.entries(MEETING_GUIDE_TYPES).map(([code, name]) => ({
    code,
    name,
    fellowship: null,
    description: null,
  })),
  ...Object.entries(NA_TYPES).map(([code, info]) => ({
    code,
    name: info.name,
    fellowship: 'na',
    description: info.description,
  })),
];

const FELLOWSHIP_TYPES = new Map<string, Map<string, MeetingTypeInfo>>();
for (const type of MEETING_TYPES) {
  if (type.fellowship === null) continue;
  const own = FELLOWSHIP_TYPES.get(type.fellowship) ?? new Map<string, MeetingTypeInfo>();
  own.set(type.code, type);
  FELLOWSHIP_TYPES.set(type.fellowship, own);
}

/** The type with this exact (case-sensitive) code, as valid for a meeting of `fellowship`. */
export function findType(code: string, fellowship: string): MeetingTypeInfo | undefined {
  const generic = MEETING_GUIDE_TYPES[code];
  if (generic !== undefined) return { code, name: generic, fellowship: null, description: null };
  return FELLOWSHIP_TYPES.get(fellowship)?.get(code);
}

/**
 * Resolves what people type in spreadsheets: an exact code first, then a code or an English
 * name in any case ("open", "Wheelchair Access", "o").
 */
export function resolveTypeLabel(label: string, fellowship: string): string | undefined {
  const trimmed = label.trim();
  const exact = findType(trimmed, fellowship);
  if (exact !== undefined) return exact.code;
  const lower = trimmed.toLowerCase();
  for (const type of MEETING_TYPES) {
    if (type.fellowship !== null && type.fellowship !== fellowship) continue;
    if (type.code.toLowerCase() === lower || type.name.toLowerCase() === lower) return type.code;
  }
  return undefined;
}
