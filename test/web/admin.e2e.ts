/// <reference lib="dom" />
/**
 * Journey 4 in headless Chromium: an intergroup admin imports their meeting list (a Meeting
 * Guide feed with a broken row, then the same feed again, then a spreadsheet as CSV), finds an
 * imported meeting on the public finder, and adds a volunteer facilitator with an assignment,
 * who can then sign in. On a phone, since that is what many admins have at hand.
 */
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import {
  launchBrowser,
  openPage,
  PHONE,
  screenshot,
  type WatchedPage,
} from '../support/browser.js';
import { api, TEST_ADMIN } from '../support/http.js';
import { scrollsSideways, unexpected, WEB_ENV } from './web-fixtures.js';

const FEED = [
  {
    name: 'Lakeside Open Discussion',
    slug: 'lakeside-open-discussion',
    day: 2,
    time: '19:00',
    end_time: '20:00',
    timezone: 'America/Chicago',
    types: ['O', 'D', 'X'],
    location: 'Lakeside Community Center',
    address: '200 E Randolph St',
    city: 'Chicago',
    state: 'IL',
    postal_code: '60601',
    country: 'US',
    latitude: 41.8847,
    longitude: -87.6219,
  },
  {
    name: 'Early Birds Online',
    slug: 'early-birds-online',
    day: [1, 3, 5],
    time: '06:30',
    timezone: 'America/Chicago',
    types: ['ONL', 'C'],
    conference_url: 'https://zoom.us/j/5550002222',
  },
  { name: 'Broken Row', slug: 'broken-row', day: 9, time: '25:00' },
];

const CSV = [
  'Name,Day,Time,End Time,Location,Address,City,State,Types',
  'Spreadsheet Serenity,Monday,6:00 PM,7:00 PM,St. Mark’s,2 Main St,Evanston,IL,Open',
].join('\n');

describe('an admin runs an import and adds a facilitator', () => {
  let t: TestApp;
  let browser: Browser;
  let admin: WatchedPage;

  beforeAll(async () => {
    t = await startTestApp({ env: WEB_ENV });
    browser = await launchBrowser();
    admin = await openPage(browser, PHONE);
    const { page } = admin;
    await page.goto(`${t.baseUrl}/admin`);
    await page.getByLabel('Email').fill(TEST_ADMIN.email);
    await page.getByLabel('Password').fill(TEST_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Import meetings' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const importForm = () =>
    admin.page.locator('form', {
      has: admin.page.getByRole('heading', { name: 'Import meetings' }),
    });

  async function runImport(
    format: string,
    data: string,
    extra: () => Promise<void> = () => Promise.resolve(),
  ): Promise<string> {
    const form = importForm();
    await form.getByLabel('Format').selectOption(format);
    await form.getByLabel('Source name').fill(`chicago-intergroup-${format}`);
    await form.getByLabel('Or paste the data').fill(data);
    await extra();
    await form.getByRole('button', { name: 'Import' }).click();
    const result = form.locator('.import-result');
    await result.getByText(/^Import finished:/).waitFor();
    return result.innerText();
  }

  test('a Meeting Guide feed: the good rows are imported, the broken one is named with its reason', async () => {
    const text = await runImport('meeting-guide', JSON.stringify(FEED), async () => {
      await importForm().getByLabel('Fellowship for rows that name none').selectOption('aa');
    });
    expect(text).toContain(
      'Import finished: 2 created, 0 updated, 0 unchanged, 0 removed, 1 row with errors.',
    );
    expect(text).toMatch(/Row 3 \(broken-row\): .+/);
    expect(await scrollsSideways(admin.page)).toBe(false);
    await screenshot(admin.page, 'admin-import-phone');

    const stored = await api<{ name: string; types: string[] }>(
      t,
      'GET',
      '/meetings/lakeside-open-discussion',
    );
    expect(stored.status).toBe(200);
    expect([...stored.body.types].sort()).toEqual(['D', 'O', 'X']);
    expect((await api(t, 'GET', '/meetings/broken-row')).status).toBe(404);
  });

  test('the same feed again changes nothing', async () => {
    const text = await runImport('meeting-guide', JSON.stringify(FEED), async () => {
      await importForm().getByLabel('Fellowship for rows that name none').selectOption('aa');
    });
    expect(text).toContain(
      'Import finished: 0 created, 0 updated, 2 unchanged, 0 removed, 1 row with errors.',
    );
  });

  test('data that is not JSON is caught before it is sent', async () => {
    const form = importForm();
    await form.getByLabel('Format').selectOption('meeting-guide');
    await form.getByLabel('Or paste the data').fill('{"name": "half a feed"');
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByText('The pasted data is not valid JSON.', { exact: false }).waitFor();
  });

  test('a spreadsheet as CSV, with the time zone the rows leave out', async () => {
    const text = await runImport('csv', CSV, async () => {
      await importForm().getByLabel('Fellowship for rows that name none').selectOption('aa');
      await importForm().getByLabel('Time zone for rows that name none').fill('America/Chicago');
    });
    expect(text).toContain(
      'Import finished: 1 created, 0 updated, 0 unchanged, 0 removed, 0 rows with errors.',
    );
  });

  test('an imported meeting is on the public finder, its types in words', async () => {
    const visitor = await openPage(browser, PHONE);
    try {
      await visitor.page.goto(`${t.baseUrl}/?q=Lakeside`);
      const results = visitor.page.locator('section[aria-labelledby="results-heading"]');
      await results.locator('li.meeting-card a', { hasText: 'Lakeside Open Discussion' }).click();
      await visitor.page
        .getByRole('heading', { level: 1, name: 'Lakeside Open Discussion' })
        .waitFor();
      const facts = await visitor.page.locator('dl.facts').innerText();
      expect(facts).toContain('Open');
      expect(facts).toContain('Discussion');
      expect(facts).toContain('Wheelchair');
      expect(unexpected(visitor.errors)).toEqual([]);
    } finally {
      await visitor.context.close();
    }
  });

  test('adds a facilitator with an assignment, who can then sign in', async () => {
    const { page } = admin;
    const form = page.locator('form', {
      has: page.getByRole('heading', { name: 'Add a facilitator' }),
    });
    await form.getByLabel('Email').fill('val@example.org');
    await form.getByLabel('Display name').fill('Volunteer Val');
    await form.getByLabel('Password').fill('short');
    await form.getByRole('button', { name: 'Create facilitator' }).click();
    await form.locator('.notice-error').waitFor();
    await form.getByLabel('Password').fill('a-long-enough-password');
    await form.getByRole('button', { name: 'Create facilitator' }).click();

    const val = page.locator('.fac-list > li', { hasText: 'val@example.org' });
    await val.waitFor();
    await val.getByLabel('Slug or id').fill('lakeside-open-discussion');
    await val.getByRole('button', { name: 'Add assignment' }).click();
    await page
      .locator('.fac-list > li', { hasText: 'val@example.org' })
      .getByText('lakeside-open-discussion')
      .waitFor();

    const signIn = await api<{ account: { displayName: string; role: string } }>(
      t,
      'POST',
      '/auth/login',
      { body: { email: 'val@example.org', password: 'a-long-enough-password' } },
    );
    expect(signIn.status).toBe(200);
    expect(signIn.body.account).toMatchObject({
      displayName: 'Volunteer Val',
      role: 'facilitator',
    });
    expect(await scrollsSideways(page)).toBe(false);
    await screenshot(page, 'admin-facilitators-phone');
    // Row errors come inside a 200 answer: the browser logged no error for them.
    expect(unexpected(admin.errors)).toEqual([]);
  });
});
