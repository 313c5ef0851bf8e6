/// <reference lib="dom" />
/**
 * Journey 3 in headless Chromium: a volunteer facilitator signs in, finds their room on the
 * dashboard with its people and reports, joins it, and keeps it safe: pins a reading, takes a
 * report, deletes a message, mutes, slows the room, lets a newcomer in from the waiting room,
 * calls the next share, bans, reads the audit log, and closes the room. The participants are
 * real pages too, so every notice they get is checked where they see it. The facilitator's
 * side runs on a phone and on a desktop.
 */
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import {
  DESKTOP,
  launchBrowser,
  openPage,
  PHONE,
  screenshot,
  type WatchedPage,
} from '../support/browser.js';
import { api, login } from '../support/http.js';
import { openRoom, scrollsSideways, unexpected, WEB_ENV, joinRoom } from './web-fixtures.js';

const FACILITATOR = { email: 'fran@example.org', password: 'volunteer-password-1' };

async function send(page: Page, body: string): Promise<void> {
  await page.getByLabel('Your message').fill(body);
  await page.getByRole('button', { name: 'Send' }).click();
}

describe.each([
  ['phone', PHONE],
  ['desktop', DESKTOP],
])('a facilitator on a %s', (label, viewport) => {
  let t: TestApp;
  let browser: Browser;
  let roomId: string;
  let fran: WatchedPage;
  let pat: WatchedPage;
  let quinn: WatchedPage;
  const roomName = `Sunday Serenity (${label})`;

  beforeAll(async () => {
    t = await startTestApp({ env: WEB_ENV });
    const admin = await login(t);
    roomId = await openRoom(t, admin, roomName);
    await openRoom(t, admin, 'Someone else’s room');
    const created = await api<{ id: string }>(t, 'POST', '/facilitators', {
      token: admin,
      body: { ...FACILITATOR, displayName: 'Fran', role: 'facilitator' },
    });
    expect(created.status).toBe(201);
    const assigned = await api(t, 'POST', `/facilitators/${created.body.id}/assignments`, {
      token: admin,
      body: { roomId },
    });
    expect(assigned.status).toBe(201);
    browser = await launchBrowser();
    fran = await openPage(browser, viewport);
    pat = await openPage(browser, DESKTOP);
    quinn = await openPage(browser, PHONE);
    await joinRoom(pat.page, t.baseUrl, roomId, 'Pat');
    await joinRoom(quinn.page, t.baseUrl, roomId, 'Quinn');
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('signs in (a wrong password is refused), and the dashboard shows the live room with its people', async () => {
    const { page } = fran;
    await page.goto(`${t.baseUrl}/facilitate`);
    await page.getByLabel('Email').fill(FACILITATOR.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('form .notice-error').waitFor();
    await page.getByLabel('Password').fill(FACILITATOR.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Facilitator dashboard' }).waitFor();
    const room = page.locator('ul.room-list > li', { hasText: roomName });
    await room.waitFor();
    expect(await room.innerText()).toMatch(/2 here/);
    expect(await page.locator('section[aria-labelledby="reports-h"]').innerText()).toContain(
      'No open reports',
    );
    // The access token lives in this tab's session only.
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    expect(await scrollsSideways(page)).toBe(false);
    await screenshot(page, `facilitate-dashboard-${label}`);
  });

  test('a report made in the room reaches the dashboard, and the facilitator joins the room', async () => {
    await send(quinn.page, 'you people are pathetic, call me at 555-0100');
    const rude = pat.page.locator('ol.messages li.message', { hasText: 'pathetic' });
    await rude.waitFor();
    await rude.getByRole('button', { name: /Report/ }).click();
    await pat.page.getByLabel('What’s wrong with this message?').fill('Insulting the group');
    await pat.page.getByRole('button', { name: 'Send report' }).click();
    await pat.page.getByText(/thank/i).first().waitFor();

    const { page } = fran;
    await page.reload();
    await page.getByRole('link', { name: 'review 1 open report' }).click();
    await page.getByRole('heading', { level: 1, name: `Moderating: ${roomName}` }).waitFor();
    await page.getByRole('button', { name: 'Join room' }).click();
    await page.locator('#composer').waitFor();
    await pat.page.locator('ul.people', { hasText: 'Fran' }).waitFor();
    expect(await pat.page.locator('ul.people').innerText()).toContain('facilitator');
    const reports = page.locator('section[aria-labelledby="reports-h"]');
    await reports.getByText('Insulting the group').waitFor();
  });

  test('pins a reading for everyone', async () => {
    const { page } = fran;
    await send(page, 'Tonight’s reading: Just for today, my thoughts will be on my recovery.');
    const reading = page.locator('ol.messages li.message', { hasText: 'Just for today' });
    await reading.waitFor();
    await reading.getByRole('button', { name: /Pin/ }).click();
    await pat.page.locator('section.pinned', { hasText: 'Just for today' }).waitFor();
    await quinn.page.locator('section.pinned', { hasText: 'Just for today' }).waitFor();
  });

  test('deletes the reported message and resolves the report', async () => {
    const { page } = fran;
    const rude = page.locator('ol.messages li.message', { hasText: 'pathetic' });
    await rude.getByRole('button', { name: /Delete/ }).click();
    await pat.page
      .locator('ol.messages li.deleted', { hasText: 'removed by a facilitator' })
      .waitFor();
    expect(await pat.page.locator('ol.messages').innerText()).not.toContain('pathetic');

    const report = page.locator('section[aria-labelledby="reports-h"] li', {
      hasText: 'Insulting the group',
    });
    await report.getByRole('button', { name: /Resolve/ }).click();
    await page.getByText('Report resolved.').waitFor();
    await page.getByText('No open reports').waitFor();
  });

  test('mutes Quinn, who is told kindly and cannot send; unmutes', async () => {
    const { page } = fran;
    const row = page.locator('ul.people > li', { hasText: 'Quinn' });
    await row.getByRole('button', { name: 'Mute', exact: true }).click();
    await page.locator('.mod-status', { hasText: 'Quinn is muted for 15 minutes' }).waitFor();
    await quinn.page.locator('.room-status', { hasText: 'A facilitator has muted you' }).waitFor();
    await quinn.page.locator('#muted-note').waitFor();
    expect(await quinn.page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    // Everyone can see who is muted, in words (not by colour).
    await pat.page.locator('ul.people > li', { hasText: 'Quinn' }).getByText('muted').waitFor();

    await row.getByRole('button', { name: 'Unmute' }).click();
    await quinn.page.locator('.room-status', { hasText: /unmuted|can send/i }).waitFor();
    await quinn.page.locator('#muted-note').waitFor({ state: 'detached' });
  });

  test('slow mode, the waiting room, and calling the next share', async () => {
    const { page } = fran;
    await page.getByLabel('Slow mode').selectOption('30');
    await pat.page.getByText('Slow mode is on: one message every 30 seconds.').waitFor();
    await page.getByLabel('Slow mode').selectOption('0');

    await page.getByLabel('Waiting room (admit newcomers by hand)').check();
    await page.locator('.mod-status', { hasText: 'Waiting room on' }).waitFor();
    const ravi = await openPage(browser, PHONE);
    try {
      await ravi.page.goto(`${t.baseUrl}/rooms/${roomId}`);
      await ravi.page.getByLabel('Your name in this room').fill('Ravi');
      await ravi.page.getByRole('button', { name: 'Join room' }).click();
      await ravi.page
        .getByText(/Waiting to be let in/)
        .first()
        .waitFor();
      const waiting = page.locator('section[aria-labelledby="waiting-h"]');
      await waiting.getByRole('button', { name: 'Admit Ravi' }).click();
      await ravi.page.locator('#composer').waitFor();
      await pat.page.locator('ul.people', { hasText: 'Ravi' }).waitFor();
    } finally {
      await ravi.context.close();
    }
    await page.getByLabel('Waiting room (admit newcomers by hand)').uncheck();

    await pat.page.getByRole('button', { name: 'Raise hand' }).click();
    await page.locator('ol.queue', { hasText: 'Pat' }).waitFor();
    await page.getByRole('button', { name: 'Give the floor to the next hand' }).click();
    await pat.page.locator('.floor', { hasText: /you|Pat/i }).waitFor();
    await page.getByRole('button', { name: 'End the current share' }).click();
    expect(await scrollsSideways(page)).toBe(false);
    await screenshot(page, `facilitate-room-${label}`);
  });

  test('bans Quinn: out of the room, told so, and refused on the way back in', async () => {
    const { page } = fran;
    await page.getByLabel('Reason for your next action (optional)').fill('Insults after a warning');
    const row = page.locator('ul.people > li', { hasText: 'Quinn' });
    await row.getByRole('button', { name: 'Ban' }).click();
    await page.locator('.mod-status', { hasText: 'Quinn is banned from this room' }).waitFor();
    await quinn.page
      .locator('main')
      .getByText(/A facilitator removed you from this room/)
      .waitFor();
    expect(await quinn.page.locator('main').innerText()).toContain('Insults after a warning');
    await pat.page
      .locator('ul.people', { hasNotText: 'Quinn' })
      .waitFor({ state: 'attached', timeout: 10_000 });

    await quinn.page.getByLabel('Your name in this room').fill('Quinn');
    await quinn.page.getByRole('button', { name: 'Join room' }).click();
    await quinn.page.locator('main .notice-error').first().waitFor();
    expect(await quinn.page.locator('#composer').count()).toBe(0);
  });

  test('the audit log names each action, who took it and why', async () => {
    const { page } = fran;
    const audit = page.locator('section[aria-labelledby="audit-h"]');
    await audit.getByRole('button', { name: /Refresh/ }).click();
    await audit.getByText(/Fran: ban/).waitFor();
    const text = await audit.innerText();
    for (const action of ['mute', 'unmute', 'delete', 'pin', 'admit', 'ban'])
      expect(text).toMatch(new RegExp(`Fran: ${action}\\b`));
    expect(text).toContain('Insults after a warning');
  });

  test('closes the room after asking; everyone still here is told', async () => {
    const { page } = fran;
    await page.getByRole('button', { name: 'Close room' }).click();
    await page.getByRole('button', { name: 'Yes, close the room' }).click();
    await pat.page.getByText('This meeting room has closed. Thank you for being here.').waitFor();
    const room = await api<{ status: string }>(t, 'GET', `/rooms/${roomId}`);
    expect(room.body.status).toBe('closed');
    // Quinn's refused rejoin answered 403; the sign-in page's wrong password answered 401.
    expect(unexpected(fran.errors, [/status of 401/])).toEqual([]);
    expect(unexpected(pat.errors)).toEqual([]);
  });
});
