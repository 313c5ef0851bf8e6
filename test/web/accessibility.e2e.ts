/// <reference lib="dom" />
/**
 * Accessibility in headless Chromium: axe-core's WCAG 2.1 A and AA rules on every kind of page
 * (finder, search, meeting, room before and after joining, the safety panel, the report and
 * certificate dialogs, the facilitator's sign-in, dashboard and moderated room, the admin page),
 * on a phone and on a desktop, in the light scheme and the dark one; and the keyboard: the room's
 * tab order, and dialogs that take focus in, keep it, give it back and close on Escape.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { DESKTOP, launchBrowser, openPage, PHONE, type WatchedPage } from '../support/browser.js';
import { api, login, TEST_ADMIN } from '../support/http.js';
import {
  createMeetingAs,
  openRoom,
  scrollsSideways,
  slotFromNow,
  unexpected,
  WEB_ENV,
  joinRoom,
} from './web-fixtures.js';

/** The rules the issue asks for: WCAG 2.0 and 2.1, levels A and AA. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const FACILITATOR = { email: 'robin@example.org', password: 'volunteer-password-2' };

let axeSource = '';

interface Violation {
  id: string;
  impact: string | null | undefined;
  help: string;
  helpUrl: string;
  nodes: { target: string; summary: string }[];
}

/**
 * Runs axe-core on the page as it is now and expects no violations; each one found is listed
 * with its rule, impact, help and the elements it concerns.
 *
 * axe is put into the page with page.evaluate: the service's CSP (helmet: script-src 'self')
 * refuses an inline <script>, so page.addScriptTag({ content }) fails, while code evaluated
 * through the DevTools protocol is not subject to the page's CSP. That keeps the CSP in force
 * (no bypassCSP), so the pages audited are the pages people get. A full navigation starts a new
 * document, so axe is put in again whenever it is missing.
 */
async function audit(page: Page, what: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async (tags): Promise<Violation[]> => {
    const { axe } = window as unknown as { axe: { run: typeof import('axe-core').run } };
    const results: AxeResults = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.map(String).join(' '),
        summary: (n.failureSummary ?? '').replace(/\s+/g, ' '),
      })),
    }));
  }, TAGS);
  const lines = violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'n/a'}): ${v.help} <${v.helpUrl}>\n` +
      v.nodes.map((n) => `      ${n.target} → ${n.summary}`).join('\n'),
  );
  expect({ page: what, violations: lines }).toEqual({ page: what, violations: [] });
}

/**
 * Whether the focused element can be seen: not scrolled away and not under something else
 * (such as the room's composer, which sticks to the bottom of the screen).
 */
async function focusHidden(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const box = el.getBoundingClientRect();
    const x = Math.min(Math.max(box.left + box.width / 2, 0), window.innerWidth - 1);
    const y = Math.min(Math.max(box.top + box.height / 2, 0), window.innerHeight - 1);
    const top = document.elementFromPoint(x, y);
    return top && (el.contains(top) || top.contains(el))
      ? null
      : `${el.outerHTML.slice(0, 80)} is under ${top?.outerHTML.slice(0, 80) ?? 'nothing'}`;
  });
}

/** What has the focus: "#id", or the element's role-ish tag and its text. */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'body';
    if (el.id) return `#${el.id}`;
    return `${el.tagName.toLowerCase()}:${(el.textContent ?? '').replace(/\s+/g, ' ').trim()}`;
  });
}

async function send(page: Page, body: string): Promise<void> {
  await page.getByLabel('Your message').fill(body);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('ol.messages li.message:not(.pending)', { hasText: body }).waitFor();
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('accessibility', () => {
  let t: TestApp;
  let browser: Browser;
  let admin: string;
  let facilitatorId: string;
  let meetingSlug: string;

  beforeAll(async () => {
    axeSource = await readFile(
      createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
      'utf8',
    );
    t = await startTestApp({ env: WEB_ENV });
    admin = await login(t);
    const zone = 'America/Denver';
    const started = slotFromNow(zone, -10);
    const live = await createMeetingAs(t, admin, {
      name: 'Noon Serenity',
      day: started.day,
      time: started.time,
      end_time: slotFromNow(zone, 50).time,
      timezone: zone,
      fellowship: 'aa',
      types: ['O', 'D'],
      location: 'Grace Church hall',
      address: '1400 Welton St',
      city: 'Denver',
      state: 'CO',
      country: 'US',
      latitude: 39.7449,
      longitude: -104.9925,
    });
    const soon = slotFromNow('Europe/London', 30);
    const online = await createMeetingAs(t, admin, {
      name: 'Dharma at Dusk',
      day: soon.day,
      time: soon.time,
      timezone: 'Europe/London',
      fellowship: 'recovery-dharma',
      attendance_option: 'online',
      conference_url: 'https://zoom.us/j/5550001111',
      conference_phone: '+1 555 010 0100',
      notes: 'Cameras optional.\nNewcomers welcome.',
    });
    meetingSlug = live.slug;
    // A room hosted by a meeting, so cards and the meeting page offer to join it.
    const hosted = await api(t, 'POST', '/rooms', {
      token: admin,
      body: { name: 'Dharma at Dusk room', meetingSlug: online.slug },
    });
    expect(hosted.status).toBe(201);
    const created = await api<{ id: string }>(t, 'POST', '/facilitators', {
      token: admin,
      body: { ...FACILITATOR, displayName: 'Robin', role: 'facilitator' },
    });
    expect(created.status).toBe(201);
    facilitatorId = created.body.id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  describe.each([
    ['phone', PHONE, 'light'],
    ['desktop', DESKTOP, 'light'],
    ['phone in the dark scheme', PHONE, 'dark'],
  ] as const)('on a %s', (label, viewport, colorScheme) => {
    let visitor: WatchedPage;
    let river: WatchedPage;
    let sky: WatchedPage;
    let fran: WatchedPage;
    let roomId: string;
    const roomName = `Evening Circle (${label})`;

    beforeAll(async () => {
      roomId = await openRoom(t, admin, roomName, {
        guidelines: 'First names only.\nNo cross-talk.',
      });
      const assigned = await api(t, 'POST', `/facilitators/${facilitatorId}/assignments`, {
        token: admin,
        body: { roomId },
      });
      expect(assigned.status).toBe(201);
      visitor = await openPage(browser, viewport, { colorScheme });
      river = await openPage(browser, viewport, { colorScheme });
      sky = await openPage(browser, DESKTOP);
      fran = await openPage(browser, viewport, { colorScheme });
    });

    afterAll(async () => {
      for (const p of [visitor, river, sky, fran]) await p?.context.close();
    });

    test('the finder: meetings on now and soon, every filter shown', async () => {
      const { page } = visitor;
      await page.goto(`${t.baseUrl}/`);
      await page.locator('section[aria-labelledby="on-now"] li.meeting-card .relative').waitFor();
      await page.locator('section[aria-labelledby="soon"] li.meeting-card .relative').waitFor();
      await page.getByText('More filters').click();
      await page.getByLabel('Latitude, longitude').waitFor();
      await audit(page, 'finder');
    });

    test('search results, and a search the form refuses', async () => {
      const { page } = visitor;
      await page.getByLabel('Search by name, place or group').fill('Serenity');
      await page.getByRole('button', { name: 'Search' }).click();
      const results = page.locator('section[aria-labelledby="results-heading"]');
      await results.locator('li.meeting-card').first().waitFor();
      await audit(page, 'search results');

      await page.getByLabel('Latitude, longitude').fill('somewhere');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.locator('.form-error .notice-error').waitFor();
      expect(await page.getByLabel('Latitude, longitude').getAttribute('aria-invalid')).toBe(
        'true',
      );
      await audit(page, 'search form with an error');
    });

    test('a meeting page', async () => {
      const { page } = visitor;
      await page.goto(`${t.baseUrl}/meetings/${meetingSlug}`);
      await page.locator('dl.facts').waitFor();
      await audit(page, 'meeting page');
      await page.goto(`${t.baseUrl}/meetings/dharma-at-dusk`);
      await page.getByRole('link', { name: /Join the online room/ }).waitFor();
      await audit(page, 'online meeting page');
    });

    test('a room before joining: guidelines, the name form, and a refused name', async () => {
      const { page } = river;
      await page.goto(`${t.baseUrl}/rooms/${roomId}`);
      await page.getByLabel('Your name in this room').waitFor();
      await audit(page, 'room join page');
      await page.getByRole('button', { name: 'Join room' }).click();
      await page.locator('form .notice-error').waitFor();
      await audit(page, 'room join page with an error');
    });

    test('a room after joining: messages, people, the share queue, and the safety panel', async () => {
      await joinRoom(river.page, t.baseUrl, roomId, 'River');
      await joinRoom(sky.page, t.baseUrl, roomId, 'Sky');
      await send(sky.page, 'Welcome, glad you are here tonight');
      await sky.page.getByRole('button', { name: 'Raise hand' }).click();
      const { page } = river;
      await page.locator('ol.messages li.message', { hasText: 'glad you are here' }).waitFor();
      await page.locator('ol.queue', { hasText: 'Sky' }).waitFor();
      await send(page, 'Thank you, first time here');
      await audit(page, 'room with messages');

      await send(page, 'honestly I want to end my life tonight');
      await page.locator('section.safety').waitFor();
      await audit(page, 'room with the safety panel');
    });

    test('the keyboard in the room: composer, Send, then Raise hand; Enter sends', async () => {
      const { page } = river;
      await page.locator('#chat-h').focus();
      const order: string[] = [];
      const hidden: string[] = [];
      for (let i = 0; i < 40; i += 1) {
        await page.keyboard.press('Tab');
        const now = await focused(page);
        order.push(now);
        const under = await focusHidden(page);
        if (under) hidden.push(under);
        if (now.includes('Leave room')) break;
      }
      // What has the focus is always in sight.
      expect(hidden).toEqual([]);
      const composer = order.indexOf('#composer');
      const sendAt = order.indexOf('button:Send');
      const hand = order.findIndex((stop) => stop.endsWith('Raise hand'));
      const leave = order.findIndex((stop) => stop.endsWith('Leave room'));
      // The messages' own buttons first (each names whose message it reports), then the box,
      // then Send straight after the box it sends, then the hand, and leaving last.
      expect({
        order,
        messagesFirst: order
          .slice(0, composer)
          .every((stop) => /^button:Report message from /.test(stop)),
        composerReached: composer > 0,
        sendAfterComposer: sendAt === composer + 1,
        handAfterSend: hand > sendAt,
        leaveLast: leave === order.length - 1 && leave > hand,
      }).toEqual({
        order,
        messagesFirst: true,
        composerReached: true,
        sendAfterComposer: true,
        handAfterSend: true,
        leaveLast: true,
      });

      await page.locator('#composer').focus();
      await page.keyboard.type('Typed and sent from the keyboard');
      await page.keyboard.press('Enter');
      await page
        .locator('ol.messages li.message:not(.pending)', {
          hasText: 'Typed and sent from the keyboard',
        })
        .waitFor();
      expect(await focused(page)).toBe('#composer');

      // Raise hand by keyboard: the button says what it will do next.
      const hand2 = page.getByRole('button', { name: 'Raise hand' });
      await hand2.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Lower hand' }).waitFor();
      expect(await focused(page)).toMatch(/Lower hand$/);
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Raise hand' }).waitFor();
    });

    test('the report dialog: focus goes in, stays in, comes back; Escape closes it', async () => {
      const { page } = river;
      const message = page.locator('ol.messages li.message', { hasText: 'glad you are here' });
      const opener = message.getByRole('button', { name: /Report/ });
      await opener.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Report a message' });
      await dialog.waitFor();
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
      expect(await page.evaluate(() => !!document.activeElement?.closest('dialog'))).toBe(true);
      await audit(page, 'report dialog');

      // Tab and Shift+Tab never reach the page behind the dialog.
      const stops: string[] = [];
      for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab']) {
        await page.keyboard.press(key);
        stops.push(
          await page.evaluate(() => {
            const el = document.activeElement;
            if (!el || el === document.body) return 'browser';
            return el.closest('dialog') ? 'dialog' : `outside: ${el.outerHTML.slice(0, 80)}`;
          }),
        );
      }
      expect(stops.filter((s) => s.startsWith('outside'))).toEqual([]);

      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await focused(page)).toBe('button:Report message from Sky');

      // Cancel gives focus back too; then a report sent from the keyboard alone.
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(await focused(page)).toBe('button:Report message from Sky');
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      await page.keyboard.type('Checking the report form works');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached' });
      await page.locator('.room-status', { hasText: /Thank you/ }).waitFor();
      expect(await focused(page)).toBe('button:Report message from Sky');
    });

    test('the certificate dialog, with its “not yet” answer', async () => {
      const { page } = river;
      const opener = page.getByRole('button', { name: 'Attendance certificate' });
      await opener.click();
      const dialog = page.getByRole('dialog', { name: 'Attendance certificate' });
      await dialog.getByRole('button', { name: 'Get certificate' }).click();
      await dialog.locator('.notice-error').waitFor();
      await audit(page, 'certificate dialog');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await focused(page)).toBe('button:Attendance certificate');
    });

    test('the facilitator: sign-in (and a refused password), dashboard, moderated room', async () => {
      const { page } = fran;
      await page.goto(`${t.baseUrl}/facilitate`);
      await page.getByLabel('Email').waitFor();
      await audit(page, 'facilitator sign-in');
      await signIn(page, FACILITATOR.email, 'not-the-password');
      await page.locator('form .notice-error').waitFor();
      await audit(page, 'facilitator sign-in with an error');

      await signIn(page, FACILITATOR.email, FACILITATOR.password);
      await page.getByRole('heading', { level: 1, name: 'Facilitator dashboard' }).waitFor();
      await page.locator('ul.room-list > li', { hasText: roomName }).waitFor();
      // Each room's link names the room: read out of context, they still differ.
      const review = page.getByRole('link', { name: `${roomName}: review 1 open report` });
      await review.waitFor();
      await audit(page, 'facilitator dashboard');

      await review.click();
      await page.getByRole('heading', { level: 1, name: `Moderating: ${roomName}` }).waitFor();
      await audit(page, 'moderated room, before joining');
      await page.getByRole('button', { name: 'Join room' }).click();
      await page.locator('#composer').waitFor();
      await page
        .locator('section[aria-labelledby="reports-h"]')
        .getByText('Checking the report form works')
        .waitFor();
      await page.locator('section[aria-labelledby="audit-h"] li').first().waitFor();
      // Pinned from the keyboard: the message is drawn again, and Unpin has the focus.
      await send(page, 'Tonight’s reading: just for today.');
      const reading = page.locator('ol.messages li.message', { hasText: 'just for today' });
      await reading.getByRole('button', { name: /^Pin/ }).focus();
      await page.keyboard.press('Enter');
      await page.locator('.mod-status', { hasText: 'Pinned for everyone' }).waitFor();
      await reading.getByRole('button', { name: /^Unpin/ }).waitFor();
      expect(await focused(page)).toBe('button:Unpin message from Robin');
      await page.getByLabel('Waiting room (admit newcomers by hand)').check();
      await page.locator('section[aria-labelledby="waiting-h"]').waitFor();
      await audit(page, 'moderated room');

      // What participants see of it: a pinned reading and a facilitator's message.
      await river.page.locator('section.pinned', { hasText: 'just for today' }).waitFor();
      await audit(river.page, 'room with a pinned reading from a facilitator');
      await page.getByLabel('Waiting room (admit newcomers by hand)').uncheck();
      await page.locator('.mod-status', { hasText: 'Waiting room off' }).waitFor();
    });

    test('the facilitator’s keyboard: the room changing around a control leaves the focus on it', async () => {
      const { page } = fran;
      const sky = page.locator('ul.people > li', { hasText: 'Sky' });
      await sky.getByLabel('Mute for').focus();
      // Someone arrives: the list of people is brought up to date around Sky's row.
      await joinRoom(visitor.page, t.baseUrl, roomId, 'Quinn');
      await page.locator('ul.people > li', { hasText: 'Quinn' }).waitFor();
      expect(
        await page.evaluate(
          () =>
            document.activeElement?.tagName === 'SELECT' &&
            document.activeElement.closest('li')?.textContent?.includes('Sky'),
        ),
      ).toBe(true);

      // Mute and Unmute take each other's place, and the focus goes with them.
      await sky.getByRole('button', { name: 'Mute', exact: true }).focus();
      await page.keyboard.press('Enter');
      await sky.getByRole('button', { name: 'Unmute' }).waitFor();
      expect(await focused(page)).toBe('button:Unmute');
      await page.keyboard.press('Enter');
      await sky.getByRole('button', { name: 'Mute', exact: true }).waitFor();
      expect(await focused(page)).toBe('button:Mute');
    });

    test('the admin page, and an import with a broken row', async () => {
      const { page } = await openPage(browser, viewport, { colorScheme });
      try {
        await page.goto(`${t.baseUrl}/admin`);
        await page.getByLabel('Email').waitFor();
        await audit(page, 'admin sign-in');
        await signIn(page, TEST_ADMIN.email, TEST_ADMIN.password);
        await page.locator('.fac-list > li', { hasText: FACILITATOR.email }).waitFor();
        await audit(page, 'admin page');

        const form = page.locator('form', {
          has: page.getByRole('heading', { name: 'Import meetings' }),
        });
        await form.getByLabel('Source name').fill(`a11y-${label.replace(/\W+/g, '-')}`);
        await form.getByLabel('Or paste the data').fill(
          JSON.stringify([
            {
              name: `Lakeside ${label}`,
              slug: `lakeside-${label.replace(/\W+/g, '-')}`,
              day: 2,
              time: '19:00',
              timezone: 'America/Chicago',
              fellowship: 'aa',
            },
            { name: 'Broken Row', slug: 'broken-row', day: 9, time: '25:00' },
          ]),
        );
        await form.getByRole('button', { name: 'Import' }).click();
        await form.getByText(/^Import finished:/).waitFor();
        await audit(page, 'admin page after an import');
      } finally {
        await page.context().close();
      }
    });

    test('no page errors along the way', () => {
      // The refused sign-in answered 401.
      expect(unexpected(fran.errors, [/status of 401/])).toEqual([]);
      expect(unexpected(river.errors)).toEqual([]);
      expect(unexpected(visitor.errors)).toEqual([]);
    });
  });

  test('at 320 CSS pixels wide (WCAG reflow), no page scrolls sideways', async () => {
    const roomId = await openRoom(t, admin, 'A narrow room with a long name for a small screen');
    const { page, context } = await openPage(browser, { width: 320, height: 640 });
    try {
      const wide: string[] = [];
      const check = async (what: string) => {
        if (await scrollsSideways(page)) wide.push(what);
      };
      await page.goto(`${t.baseUrl}/`);
      await page.locator('li.meeting-card .relative').first().waitFor();
      await page.getByText('More filters').click();
      await check('finder');
      await page.goto(`${t.baseUrl}/meetings/${meetingSlug}`);
      await page.locator('dl.facts').waitFor();
      await check('meeting page');
      await page.goto(`${t.baseUrl}/rooms/${roomId}`);
      await page.getByLabel('Your name in this room').waitFor();
      await check('room join page');
      await joinRoom(page, t.baseUrl, roomId, 'Narrow');
      await send(page, 'A message with a long unbroken word: supercalifragilisticexpialidocious!');
      await check('room');
      await page.goto(`${t.baseUrl}/facilitate`);
      await page.getByLabel('Email').waitFor();
      await check('facilitator sign-in');
      expect(wide).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
