import { OccurrenceWindowService } from '../../src/meetings/occurrences/occurrence-window.service.js';
import type { TestApp } from './app.js';
import { api } from './http.js';

/**
 * Makes the occurrence table cover `now`, so searches at that instant take the materialized
 * plans; without it, a `now` far from the real clock is answered by the computed plan.
 */
export async function coverWindow(t: TestApp, now: string | Date): Promise<void> {
  await t.app.get(OccurrenceWindowService).advance(new Date(now));
}

/** Creates a meeting through the API (as the given admin) and returns the response body. */
export async function createMeeting(
  t: TestApp,
  token: string,
  meeting: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const res = await api<Record<string, unknown>>(t, 'POST', '/meetings', { token, body: meeting });
  if (res.status !== 201)
    throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
