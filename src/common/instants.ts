/** `2026-11-22T18:30:00Z`: the contract's instant format (whole seconds, UTC). */
export function isoInstant(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
