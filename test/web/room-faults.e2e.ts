/// <reference lib="dom" />
/**
 * The room page when the network or the service misbehaves, in headless Chromium: a broadcast
 * that never arrives is fetched from the room's history, and a reconnection the service refuses
 * for a moment (its database restarting: UNAVAILABLE) is tried again until it is accepted.
 * The page's WebSocket goes through a Playwright route that forwards every frame except the
 * ones a test drops or rewrites.
 */
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { DESKTOP, launchBrowser, openPage, PHONE, type WatchedPage } from '../support/browser.js';
import { login } from '../support/http.js';
import { openRoom, unexpected, WEB_ENV, joinRoom } from './web-fixtures.js';

/** What the route does to each frame from the service: pass it, drop it, or send another. */
type Rewrite = (frame: string) => string | null;

/**
 * Puts `page`'s WebSocket connections to the service behind a route that applies `rewrite` to
 * each text frame from the service. Returns the open routes, newest last.
 */
async function relay(page: Page, rewrite: { current: Rewrite }): Promise<WebSocketRoute[]> {
  const routes: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    routes.push(ws);
    const server = ws.connectToServer();
    ws.onMessage((frame) => server.send(frame));
    server.onMessage((frame) => {
      if (typeof frame !== 'string') return ws.send(frame);
      const out = rewrite.current(frame);
      if (out !== null) ws.send(out);
    });
  });
  return routes;
}

const pass: Rewrite = (frame) => frame;

async function send(page: Page, body: string): Promise<void> {
  await page.getByLabel('Your message').fill(body);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('ol.messages li.message:not(.pending)', { hasText: body }).waitFor();
}

/** The bodies of the delivered messages, in the order the page shows them. */
async function bodies(page: Page): Promise<string[]> {
  return page
    .locator('ol.messages > li.message:not(.pending) .body')
    .evaluateAll((items) => items.map((p) => p.textContent ?? ''));
}

describe('a room through a faulty network', () => {
  let t: TestApp;
  let browser: Browser;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: WEB_ENV });
    admin = await login(t);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('a message whose broadcast is lost still appears, in its place, once', async () => {
    const roomId = await openRoom(t, admin, 'Lost frames');
    let river: WatchedPage | undefined;
    let sky: WatchedPage | undefined;
    try {
      river = await openPage(browser, PHONE);
      sky = await openPage(browser, DESKTOP);
      const rewrite = { current: pass };
      await relay(river.page, rewrite);
      await joinRoom(river.page, t.baseUrl, roomId, 'River');
      await joinRoom(sky.page, t.baseUrl, roomId, 'Sky');
      await send(sky.page, 'first, seen by everyone');
      await river.page
        .locator('ol.messages li.message', { hasText: 'first, seen by everyone' })
        .waitFor();

      // The next broadcast to River is lost on the way (as one from another node can be
      // while the database restarts); the one after it shows that a seq was skipped.
      let dropped = 0;
      rewrite.current = (frame) => {
        if (frame.includes('"message:new"') && frame.includes('lost on the way')) {
          dropped += 1;
          return null;
        }
        return frame;
      };
      await send(sky.page, 'lost on the way');
      await send(sky.page, 'after the gap');
      await river.page.locator('ol.messages li.message', { hasText: 'after the gap' }).waitFor();
      await river.page.locator('ol.messages li.message', { hasText: 'lost on the way' }).waitFor();
      expect(dropped).toBe(1);
      expect(await bodies(river.page)).toEqual([
        'first, seen by everyone',
        'lost on the way',
        'after the gap',
      ]);
      expect(unexpected(river.errors)).toEqual([]);
    } finally {
      await river?.context.close();
      await sky?.context.close();
    }
  });

  test('a reconnection refused as UNAVAILABLE is tried again, and nothing is lost', async () => {
    const roomId = await openRoom(t, admin, 'Refused once');
    let river: WatchedPage | undefined;
    let sky: WatchedPage | undefined;
    try {
      river = await openPage(browser, PHONE);
      sky = await openPage(browser, DESKTOP);
      const rewrite = { current: pass };
      const routes = await relay(river.page, rewrite);
      await joinRoom(river.page, t.baseUrl, roomId, 'River');
      await joinRoom(sky.page, t.baseUrl, roomId, 'Sky');
      await send(river.page, 'before the outage');

      // The connection drops; the service answers the next handshake as it does while its
      // database is down. Socket.IO does not retry a refused handshake by itself.
      let refused = 0;
      rewrite.current = (frame) => {
        if (refused === 0 && frame.startsWith('40/rooms,')) {
          refused += 1;
          return `44/rooms,${JSON.stringify({
            message: 'The service is briefly unavailable; try again in a moment',
            data: { code: 'UNAVAILABLE' },
          })}`;
        }
        return frame;
      };
      await routes.at(-1)?.close({ code: 4000, reason: 'network change' });
      await river.page.locator('.room-status', { hasText: 'Connection lost' }).waitFor();
      await send(sky.page, 'said while River was away');

      await river.page
        .locator('.room-status', { hasText: 'You are back in the room' })
        .waitFor({ timeout: 20_000 });
      expect(refused).toBe(1);
      await river.page
        .locator('ol.messages li.message', { hasText: 'said while River was away' })
        .waitFor();
      await send(river.page, 'back again');
      await sky.page.locator('ol.messages li.message', { hasText: 'back again' }).waitFor();
      expect(await bodies(river.page)).toEqual([
        'before the outage',
        'said while River was away',
        'back again',
      ]);
      expect(await sky.page.locator('ul.people > li').count()).toBe(2);
      expect(unexpected(river.errors)).toEqual([]);
    } finally {
      await river?.context.close();
      await sky?.context.close();
    }
  });
});
