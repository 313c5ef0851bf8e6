/// <reference lib="dom" />
/**
 * Journey 1 in headless Chromium: someone (from Chicago, now in Denver) looks for a meeting they
 * can get to soon, near them or online; opens it; adds it to their calendar. On a phone and on a
 * desktop.
 */
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { DESKTOP, launchBrowser, openPage, PHONE, screenshot } from '../support/browser.js';
import { login } from '../support/http.js';
import {
  createMeetingAs,
  scrollsSideways,
  slotFromNow,
  unexpected,
  viewerClock,
  WEB_ENV,
} from './web-fixtures.js';

const DENVER = { latitude: 39.7392, longitude: -104.9903 };

interface Placed {
  name: string;
  slug: string;
  start: Date;
}

describe('finding a meeting starting soon', () => {
  let t: TestApp;
  let browser: Browser;
  let nearSoon: Placed;
  let farSoon: Placed;
  let onlineSoon: Placed;
  let nearLater: Placed;

  async function place(
    token: string,
    name: string,
    timezone: string,
    minutesFromNow: number,
    extra: Record<string, unknown>,
  ): Promise<Placed> {
    const slot = slotFromNow(timezone, minutesFromNow);
    const made = await createMeetingAs(t, token, {
      name,
      day: slot.day,
      time: slot.time,
      timezone,
      ...extra,
    });
    return { name, slug: made.slug, start: slot.start };
  }

  beforeAll(async () => {
    t = await startTestApp({ env: WEB_ENV });
    const admin = await login(t);
    nearSoon = await place(admin, 'Mile High Serenity', 'America/Denver', 40, {
      fellowship: 'na',
      types: ['O', 'D'],
      location: 'Grace Church hall',
      address: '1400 Welton St',
      city: 'Denver',
      state: 'CO',
      postal_code: '80202',
      country: 'US',
      latitude: 39.7449,
      longitude: -104.9925,
    });
    farSoon = await place(admin, 'Harbor Hope', 'America/New_York', 50, {
      fellowship: 'aa',
      address: '1 Court St',
      city: 'Boston',
      state: 'MA',
      country: 'US',
      latitude: 42.3588,
      longitude: -71.0578,
    });
    onlineSoon = await place(admin, 'Dharma at Dusk', 'Europe/London', 25, {
      fellowship: 'recovery-dharma',
      attendance_option: 'online',
      conference_url: 'https://zoom.us/j/5550001111',
    });
    nearLater = await place(admin, 'Capitol Hill Late Group', 'America/Denver', 300, {
      fellowship: 'aa',
      address: '1100 Broadway',
      city: 'Denver',
      state: 'CO',
      country: 'US',
      latitude: 39.7335,
      longitude: -104.9873,
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  describe.each([
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ])('on a %s', (label, viewport) => {
    test('the first view lists what starts soon in the visitor’s zone, with no second round trip', async () => {
      const { page, context, errors } = await openPage(browser, viewport, {
        geolocation: DENVER,
        permissions: ['geolocation'],
      });
      const apiCalls: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/meetings')) apiCalls.push(r.url());
      });
      try {
        await page.goto(`${t.baseUrl}/`);
        await page.getByRole('heading', { level: 1, name: 'Find a meeting' }).waitFor();
        const soon = page.locator('section[aria-labelledby="soon"]');
        await soon.locator('li.meeting-card .relative').first().waitFor();
        const names = await soon.locator('.meeting-name').allInnerTexts();
        expect(names).toEqual(
          expect.arrayContaining([nearSoon.name, farSoon.name, onlineSoon.name]),
        );
        expect(names).not.toContain(nearLater.name);
        // Soonest first.
        expect(names.indexOf(onlineSoon.name)).toBeLessThan(names.indexOf(nearSoon.name));

        // The visitor's clock (Chicago), with the meeting's own zone written out.
        const card = soon.locator('li.meeting-card', { hasText: nearSoon.name });
        await expect(card.locator('time').innerText()).resolves.toBe(viewerClock(nearSoon.start));
        expect(await card.locator('.relative').innerText()).toMatch(/^in (39|40|41) min$/);
        expect(await card.locator('.meeting-zone').innerText()).toMatch(/ Denver time$/);
        expect(await card.locator('time').getAttribute('title')).toContain('America/Denver');
        expect(await card.innerText()).toContain('Narcotics Anonymous');
        const online = soon.locator('li.meeting-card', { hasText: onlineSoon.name });
        expect(await online.locator('.meeting-where').innerText()).toContain('Online');
        expect(await online.locator('.meeting-zone').innerText()).toMatch(/ London time$/);

        // The lists came with the page: the script fetched no meetings to draw them.
        expect(apiCalls).toEqual([]);
        expect(await scrollsSideways(page)).toBe(false);
        await screenshot(page, `finder-${label}`);

        // Near me, starting within two hours: Denver now, not Boston, not the late meeting.
        await page.getByLabel('When').selectOption('120');
        await page.getByRole('button', { name: 'Use my location' }).click();
        const results = page.locator('section[aria-labelledby="results-heading"]');
        await results.locator('li.meeting-card').first().waitFor();
        expect(await results.locator('.meeting-name').allInnerTexts()).toEqual([nearSoon.name]);
        expect(await results.locator('.meeting-distance').innerText()).toMatch(/km away|m away/);
        const url = new URL(page.url());
        expect(url.searchParams.get('starting_within')).toBe('120');
        expect(Number(url.searchParams.get('lat'))).toBeCloseTo(DENVER.latitude, 2);
        expect(await scrollsSideways(page)).toBe(false);
        await screenshot(page, `finder-near-me-${label}`);

        // Back returns to the first view; a shared link gives the same search.
        await page.goBack();
        await page.locator('section[aria-labelledby="soon"] li.meeting-card').first().waitFor();
        await page.goto(`${t.baseUrl}/?attendance=online&starting_within=60`);
        const online60 = page.locator('section[aria-labelledby="results-heading"]');
        await online60.locator('li.meeting-card').first().waitFor();
        expect(await online60.locator('.meeting-name').allInnerTexts()).toEqual([onlineSoon.name]);
        expect(await page.getByLabel('When').inputValue()).toBe('60');
        expect(unexpected(errors)).toEqual([]);
      } finally {
        await context.close();
      }
    });

    test('a meeting’s page: where, directions, types in words, and an .ics to add to a calendar', async () => {
      const { page, context, errors } = await openPage(browser, viewport);
      try {
        await page.goto(`${t.baseUrl}/`);
        await page
          .locator('section[aria-labelledby="soon"] li.meeting-card a', { hasText: nearSoon.name })
          .click();
        await page.getByRole('heading', { level: 1, name: nearSoon.name }).waitFor();
        expect(new URL(page.url()).pathname).toBe(`/meetings/${nearSoon.slug}`);
        // Focus moves to the new page's heading, for screen readers and keyboards.
        expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
        expect(await page.title()).toContain(nearSoon.name);

        const facts = page.locator('dl.facts');
        const text = await facts.innerText();
        expect(text).toContain('Grace Church hall');
        expect(text).toContain('1400 Welton St');
        expect(text).toContain('Open');
        expect(text).toContain('Discussion');
        const directions = facts.getByRole('link', { name: /Directions/ });
        expect(await directions.getAttribute('href')).toBe(
          'https://www.openstreetmap.org/directions?to=39.7449,-104.9925',
        );

        const ics = page.getByRole('link', { name: /Add to calendar/ });
        const href = await ics.getAttribute('href');
        expect(href).toBe(`/api/v1/meetings/${nearSoon.slug}/calendar.ics`);
        const calendar = await page.request.get(`${t.baseUrl}${href ?? ''}`);
        expect(calendar.headers()['content-type']).toMatch(/^text\/calendar/);
        const body = await calendar.text();
        expect(body).toContain(`SUMMARY:${nearSoon.name}`);
        expect(body).toContain('DTSTART;TZID=America/Denver:');
        expect(body).toMatch(/RRULE:FREQ=WEEKLY/);

        expect(await scrollsSideways(page)).toBe(false);
        await screenshot(page, `meeting-${label}`);

        // A link to a meeting that is gone says so kindly; the page does not break.
        await page.goto(`${t.baseUrl}/meetings/no-such-meeting`);
        await page
          .getByRole('heading', { level: 1, name: 'We couldn’t find that meeting' })
          .waitFor();
        expect(unexpected(errors, [/404/])).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });

  test('the finder works from the keyboard alone: skip link, filters, search, results', async () => {
    const { page, context, errors } = await openPage(browser, DESKTOP);
    try {
      await page.goto(`${t.baseUrl}/`);
      await page.getByRole('heading', { level: 1, name: 'Find a meeting' }).waitFor();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
        'Skip to content',
      );
      await page.keyboard.press('Enter');
      await page.getByLabel('Search by name, place or group').focus();
      await page.keyboard.type('Harbor');
      await page.keyboard.press('Enter');
      const results = page.locator('section[aria-labelledby="results-heading"]');
      await results.locator('li.meeting-card').first().waitFor();
      expect(await results.locator('.meeting-name').allInnerTexts()).toEqual([farSoon.name]);
      // Every form control has a name a screen reader can read out.
      const unnamed = await page.evaluate(() =>
        Array.from(document.querySelectorAll('main input, main select, main button'))
          .filter((el) => {
            const input = el as HTMLInputElement;
            if (input.type === 'hidden') return false;
            const labelled =
              (input.labels?.length ?? 0) > 0 ||
              input.getAttribute('aria-label') ||
              input.getAttribute('aria-labelledby') ||
              (el.tagName === 'BUTTON' && (el.textContent ?? '').trim() !== '');
            return !labelled;
          })
          .map((el) => el.outerHTML.slice(0, 120)),
      );
      expect(unnamed).toEqual([]);
      expect(unexpected(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
