/// <reference lib="dom" />
/**
 * What the browser journeys share: the service with its database, an admin, meetings placed
 * relative to the real clock, and formatting the way a visitor in Chicago reads it.
 */
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.js';
import { api, ADMIN_ENV } from '../support/http.js';

/** Head-room so that only what a journey is about is ever limited. */
export const WEB_ENV: Record<string, string> = {
  ...ADMIN_ENV,
  // Every browser page connects from 127.0.0.1: one address for all of a test's people.
  PARTICIPANT_ISSUE_PER_MINUTE: '100000',
  ROOM_SOCKETS_PER_ADDRESS: '1000',
  ROOM_CONNECTS_PER_MINUTE: '100000',
  MESSAGE_BURST: '1000',
  MESSAGES_PER_MINUTE: '100000',
};

/** The browser contexts' zone (see test/support/browser.ts): not the meetings' zones. */
export const VIEWER_ZONE = 'America/Chicago';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * A weekly slot `minutesFromNow` ahead on `timezone`'s wall clock, as the contract spells it
 * (day 0 = Sunday, "HH:MM"), with the instant it next starts.
 */
export function slotFromNow(
  timezone: string,
  minutesFromNow: number,
): { day: number; time: string; start: Date } {
  const start = new Date(Math.floor((Date.now() + minutesFromNow * 60_000) / 60_000) * 60_000);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(start);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return { day: DAYS.indexOf(get('weekday')), time: `${get('hour')}:${get('minute')}`, start };
}

/** "7:05 PM" on the viewer's clock, as the web app writes times. */
export function viewerClock(instant: Date): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: VIEWER_ZONE,
    hour: 'numeric',
    minute: '2-digit',
  }).format(instant);
}

export async function createMeetingAs(
  t: TestApp,
  token: string,
  body: Record<string, unknown>,
): Promise<{ slug: string; id: string; roomId?: string | null }> {
  const res = await api<{ slug: string; id: string }>(t, 'POST', '/meetings', { token, body });
  if (res.status !== 201) throw new Error(`meeting: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A room of its own, open now, as a facilitator would make one. */
export async function openRoom(
  t: TestApp,
  token: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await api<{ id: string; status: string }>(t, 'POST', '/rooms', {
    token,
    body: { name, opensAt: new Date(Date.now() - 60_000).toISOString(), ...extra },
  });
  if (res.status !== 201 || res.body.status !== 'open')
    throw new Error(`room: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** True when the page is wider than its viewport (a phone would scroll sideways). */
export async function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(
    () => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1,
  );
}

/**
 * Console errors a journey did not cause on purpose. The browser reports every 4xx answer as a
 * console error; the ones listed are the journey's own bad input.
 */
export function unexpected(errors: string[], expected: RegExp[] = []): string[] {
  return errors.filter((e) => !expected.some((re) => re.test(e)));
}

/** Into a room from its page, as a participant: the name, Join, and the composer is there. */
export async function joinRoom(
  page: Page,
  baseUrl: string,
  roomId: string,
  handle: string,
): Promise<void> {
  await page.goto(`${baseUrl}/rooms/${roomId}`);
  await page.getByLabel('Your name in this room').fill(handle);
  await page.getByRole('button', { name: 'Join room' }).click();
  await page.locator('#composer').waitFor();
}
