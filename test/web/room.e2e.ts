/// <reference lib="dom" />
/**
 * Journey 2 in headless Chromium: two anonymous people in a room, one on a phone and one on a
 * desktop. They read the guidelines, pick handles, chat with presence and typing, raise a hand,
 * report a message, get safety resources; one loses the connection and one reloads the page,
 * and neither loses or repeats a message. Nothing but the participant token stays in the browser.
 */
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../support/app.js';
import {
  DESKTOP,
  launchBrowser,
  openPage,
  PHONE,
  screenshot,
  type WatchedPage,
} from '../support/browser.js';
import { login } from '../support/http.js';
import { openRoom, scrollsSideways, unexpected, WEB_ENV, joinRoom } from './web-fixtures.js';

async function send(page: Page, body: string): Promise<void> {
  await page.getByLabel('Your message').fill(body);
  await page.getByRole('button', { name: 'Send' }).click();
}

/** The conversation as the page shows it: author and body of each delivered message. */
async function conversation(page: Page): Promise<string[]> {
  return page
    .locator('ol.messages > li.message:not(.pending)')
    .evaluateAll((items) =>
      items.map(
        (li) =>
          `${li.querySelector('.author')?.textContent ?? ''}: ${li.querySelector('.body')?.textContent ?? ''}`,
      ),
    );
}

async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector, { hasText: text }).first().waitFor();
}

const GUIDELINES = 'First names only.\nWe read the Promises at the start.\nNo cross-talk.';

describe('two participants in a room', () => {
  let t: TestApp;
  let browser: Browser;
  let roomId: string;
  let river: WatchedPage;
  let sky: WatchedPage;

  beforeAll(async () => {
    t = await startTestApp({ env: { ...WEB_ENV, ATTENDANCE_MIN_MINUTES: '45' } });
    const admin = await login(t);
    roomId = await openRoom(t, admin, 'Tuesday Night Circle', { guidelines: GUIDELINES });
    browser = await launchBrowser();
    river = await openPage(browser, PHONE);
    sky = await openPage(browser, DESKTOP);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('before joining: the room, its guidelines, and handle rules that refuse contact details', async () => {
    const { page } = river;
    await page.goto(`${t.baseUrl}/rooms/${roomId}`);
    await page.getByRole('heading', { level: 1, name: 'Tuesday Night Circle' }).waitFor();
    const rules = page.locator('section.guidelines');
    expect(await rules.getByRole('heading').innerText()).toBe('This room’s guidelines');
    expect(await rules.locator('.room-guidelines').innerText()).toBe(GUIDELINES);
    // The crisis lines are there whatever a room's own guidelines say.
    expect(await rules.locator('a[href="tel:988"]').count()).toBe(1);
    await page.getByLabel('Your name in this room').fill('me@example.com');
    await page.getByRole('button', { name: 'Join room' }).click();
    await page.locator('main .notice').first().waitFor();
    expect(await page.locator('#composer').count()).toBe(0);
    expect(await scrollsSideways(page)).toBe(false);
    await screenshot(page, 'room-join-phone');
  });

  test('they join, see each other, chat, and see typing', async () => {
    await joinRoom(river.page, t.baseUrl, roomId, 'River');
    await joinRoom(sky.page, t.baseUrl, roomId, 'Sky');
    await waitForText(river.page, 'ul.people', 'Sky');
    expect(await sky.page.locator('ul.people').innerText()).toContain('River');

    await send(river.page, 'Hello everyone, glad to be here tonight');
    await waitForText(sky.page, 'ol.messages li.message', 'glad to be here tonight');
    await send(sky.page, 'Welcome River');
    await waitForText(river.page, 'ol.messages li.message', 'Welcome River');
    expect(await conversation(river.page)).toEqual([
      'River: Hello everyone, glad to be here tonight',
      'Sky: Welcome River',
    ]);
    expect(await conversation(sky.page)).toEqual(await conversation(river.page));
    // New messages are announced to screen readers, once the first load is on screen.
    expect(await sky.page.locator('ol.messages').getAttribute('aria-live')).toBe('polite');

    await river.page.getByLabel('Your message').pressSequentially('I wanted to sa', { delay: 20 });
    await waitForText(sky.page, '.typing', 'River');
    await river.page.getByLabel('Your message').fill('');

    // Text is text: markup typed into the box is shown, never run.
    await send(sky.page, '<img src=x onerror="window.__pwned=1"> just text');
    await waitForText(river.page, 'ol.messages li.message', 'just text');
    expect(await river.page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBe(
      undefined,
    );
    expect(await river.page.locator('ol.messages img').count()).toBe(0);
  });

  test('a raised hand shows in everyone’s share queue', async () => {
    await river.page.getByRole('button', { name: 'Raise hand' }).click();
    await waitForText(sky.page, 'ol.queue', 'River');
    await river.page.getByRole('button', { name: 'Lower hand' }).waitFor();
    await river.page.getByRole('button', { name: 'Lower hand' }).click();
    await waitForText(sky.page, 'ol.queue', 'No hands raised');
  });

  test('contact details are taken out, with a kind word to the sender', async () => {
    await send(river.page, 'text me on 312-555-0199 any time');
    await waitForText(river.page, '.room-status', 'contact details');
    await waitForText(sky.page, 'ol.messages li.message', 'any time');
    const seen = (await conversation(sky.page)).at(-1) ?? '';
    expect(seen).not.toContain('312-555-0199');
    expect(seen.startsWith('River: text me on ')).toBe(true);
  });

  test('someone in crisis gets resources they can call or text from the phone', async () => {
    await send(river.page, 'honestly I want to end my life tonight');
    const safety = river.page.locator('section.safety');
    await safety.waitFor();
    expect(await safety.locator('a[href^="tel:"]').count()).toBeGreaterThan(0);
    expect(await safety.innerText()).toContain('You don’t have to go through this alone');
    await screenshot(river.page, 'room-safety-phone', false);
    await river.page.getByRole('button', { name: 'Hide these resources' }).click();
    expect(await safety.isHidden()).toBe(true);
  });

  test('a message can be reported in two steps, with a thank-you', async () => {
    const message = sky.page.locator('ol.messages li.message', { hasText: 'end my life' });
    await message.getByRole('button', { name: /Report/ }).click();
    await sky.page.getByLabel('What’s wrong with this message?').fill('I am worried about River');
    await sky.page.getByRole('button', { name: 'Send report' }).click();
    await sky.page.getByText(/thank/i).first().waitFor();
  });

  test('a lost connection: messages sent meanwhile arrive once and in order, and what was typed offline is sent once', async () => {
    await sky.context.setOffline(true);
    await waitForText(sky.page, '.room-status', 'Connection lost');
    await send(river.page, 'missed one');
    await send(river.page, 'missed two');
    await send(sky.page, 'written while offline');
    await sky.page.locator('li.pending', { hasText: 'written while offline' }).waitFor();
    await sky.context.setOffline(false);
    await waitForText(sky.page, '.room-status', 'Reconnected');
    await waitForText(river.page, 'ol.messages li.message', 'written while offline');
    await waitForText(sky.page, 'ol.messages li.message:not(.pending)', 'written while offline');

    const seenBySky = await conversation(sky.page);
    const seenByRiver = await conversation(river.page);
    expect(seenBySky).toEqual(seenByRiver);
    expect(seenBySky.filter((m) => m === 'River: missed one')).toHaveLength(1);
    expect(seenBySky.filter((m) => m === 'Sky: written while offline')).toHaveLength(1);
    expect(seenBySky.indexOf('River: missed one')).toBeLessThan(
      seenBySky.indexOf('River: missed two'),
    );
    const seqs = await sky.page
      .locator('ol.messages > li.message:not(.pending)')
      .evaluateAll((items) => items.map((li) => Number((li as HTMLElement).dataset.seq)));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  test('a reload: the same token, a handle picked again, and the conversation is still there', async () => {
    const before = await conversation(river.page);
    const token = await river.page.evaluate(() => localStorage.getItem('mh.participantToken'));
    await river.page.reload();
    await river.page.getByLabel('Your name in this room').fill('River');
    await river.page.getByRole('button', { name: 'Join room' }).click();
    await river.page.locator('#composer').waitFor();
    await waitForText(river.page, 'ol.messages li.message', 'written while offline');
    expect(await conversation(river.page)).toEqual(before);
    expect(await river.page.evaluate(() => localStorage.getItem('mh.participantToken'))).toBe(
      token,
    );
    await send(river.page, 'back after a reload');
    await waitForText(sky.page, 'ol.messages li.message', 'back after a reload');
    expect(await scrollsSideways(river.page)).toBe(false);
    await screenshot(river.page, 'room-phone', false);
    await screenshot(sky.page, 'room-desktop', false);
  });

  test('an attendance certificate: refused kindly too early, then given with a code anyone can verify', async () => {
    const { page } = sky;
    await page.getByRole('button', { name: 'Attendance certificate' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Get certificate' }).click();
    await dialog.getByText(/^Not yet\. A certificate needs 45 minutes/).waitFor();
    // An hour in the room, without waiting an hour for it.
    await t.app
      .get(DataSource)
      .query(`UPDATE room_member SET present_seconds = 3600 WHERE room_id = $1`, [roomId]);
    await dialog.getByLabel('Name on the certificate (optional)').fill('S. Example');
    await dialog.getByRole('button', { name: 'Get certificate' }).click();
    const code = await dialog.locator('code.cert-code').innerText();
    expect(code.length).toBeGreaterThan(20);
    expect(await dialog.innerText()).toContain('Tuesday Night Circle');
    const verify = await dialog.getByRole('link', { name: 'Verify link' }).getAttribute('href');
    const checked = await page.request.get(verify ?? '');
    expect(checked.status()).toBe(200);
    expect(await checked.json()).toMatchObject({ valid: true });
    await screenshot(page, 'room-certificate-desktop');
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(await dialog.count()).toBe(0);
  });

  test('the browser keeps the participant token and nothing else: no handle, no message, no cookie', async () => {
    for (const { page, context } of [river, sky]) {
      const stored = await page.evaluate(() => ({
        local: Object.keys(localStorage),
        session: Object.keys(sessionStorage),
        values: JSON.stringify({ ...localStorage, ...sessionStorage }),
      }));
      expect(stored.local.sort()).toEqual(['mh.participantToken', 'mh.participantTokenExpiresAt']);
      expect(stored.session).toEqual([]);
      for (const secret of ['River', 'Sky', 'glad to be here', 'offline'])
        expect(stored.values).not.toContain(secret);
      expect(await context.cookies()).toEqual([]);
    }
  });

  test('no page errors along the way', () => {
    // The handle refused on purpose answers 400; the browser logs every 4xx.
    expect(unexpected(river.errors, [/status of 400/])).toEqual([]);
    expect(unexpected(sky.errors, [/ERR_INTERNET_DISCONNECTED/])).toEqual([]);
  });
});
