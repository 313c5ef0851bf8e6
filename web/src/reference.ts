// The reference lists (fellowships, meeting types), fetched once per page load and kept in memory.
import { api } from './api.js';
import type { Fellowship, MeetingType } from './types.js';

let fellowships: Promise<Fellowship[]> | null = null;
let types: Promise<MeetingType[]> | null = null;
const names = new Map<string, string>();

export function loadFellowships(): Promise<Fellowship[]> {
  fellowships ??= api<Fellowship[]>('/fellowships').then(
    (list) => {
      for (const f of list) names.set(f.slug, f.name);
      return list;
    },
    (err: unknown) => {
      fellowships = null;
      throw err;
    },
  );
  return fellowships;
}

export function loadTypes(): Promise<MeetingType[]> {
  types ??= api<MeetingType[]>('/types').catch((err: unknown) => {
    types = null;
    throw err;
  });
  return types;
}

/** The fellowship's name when known, else its slug in capitals ("NA"). */
export function fellowshipName(slug: string): string {
  return names.get(slug) ?? slug.toUpperCase();
}

/** The name of a type code, preferring the meeting's own fellowship's meaning. */
export function typeName(list: MeetingType[], code: string, fellowship: string): string {
  const own = list.find((t) => t.code === code && t.fellowship === fellowship);
  const common = list.find((t) => t.code === code && t.fellowship === null);
  return (own ?? common ?? list.find((t) => t.code === code))?.name ?? code;
}
