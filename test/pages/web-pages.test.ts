/**
 * The web app's server side, over real HTTP against the real service and PostgreSQL (no
 * browser): the server-rendered home page (meetings on now and starting within two hours, with
 * the same data for the script in #initial-data), escaping of what admins type, the empty
 * directory, the static assets under /assets/, the app's shell pages, the JSON 404 for every
 * other path, the security headers, and bad input.
 */
import { request } from 'node:http';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN_ENV, login } from '../support/http.js';
import { createMeeting } from '../support/meetings.js';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const MINUTE = 60_000;

interface PageResponse {
  status: number;
  headers: Headers;
  text: string;
}

interface HomeMeeting {
  slug: string;
  name: string;
  timezone: string;
  attendance_option: string;
  nextStart: string | null;
  inProgress: boolean;
}

interface InitialData {
  page: string;
  now: string;
  inProgress: HomeMeeting[];
  startingSoon: HomeMeeting[];
}

interface ErrorBody {
  error: { code: string; message: string; details: unknown[] };
}

async function get(
  t: TestApp,
  path: string,
  headers: Record<string, string> = {},
): Promise<PageResponse> {
  const res = await fetch(`${t.baseUrl}${path}`, { headers, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A GET with the path exactly as given: no URL normalization on the client's side. */
function rawGet(t: TestApp, path: string): Promise<PageResponse> {
  const { port } = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') headers.set(name, value);
        }
        resolve({
          status: res.statusCode ?? 0,
          headers,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The weekday and "HH:MM" of an instant in UTC, the zone every meeting here is in. */
function utcSlot(at: Date): { day: number; time: string } {
  const hh = String(at.getUTCHours()).padStart(2, '0');
  const mm = String(at.getUTCMinutes()).padStart(2, '0');
  return { day: at.getUTCDay(), time: `${hh}:${mm}` };
}

/** `at` cut to its minute: meetings start on whole minutes. */
function floorMinute(at: number): Date {
  return new Date(Math.floor(at / MINUTE) * MINUTE);
}

/** The JSON of <script type="application/json" id="initial-data">. */
function initialDataOf(html: string): unknown {
  const scripts = [
    ...html.matchAll(/<script type="application\/json" id="initial-data">([\s\S]*?)<\/script>/g),
  ];
  expect(scripts).toHaveLength(1);
  return JSON.parse(scripts[0]![1]!) as unknown;
}

/** The HTML of the <section> whose heading has this id. */
function sectionOf(html: string, headingId: string): string {
  const match = new RegExp(`<section aria-labelledby="${headingId}">([\\s\\S]*?)</section>`).exec(
    html,
  );
  expect(match).not.toBeNull();
  return match![1]!;
}

interface Card {
  href: string;
  name: string;
  when: string;
  datetime: string;
  timeText: string;
  where: string;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_m, dec: string) => String.fromCodePoint(parseInt(dec, 10)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The meeting cards of a section, in order, with their text decoded. */
function cardsOf(sectionHtml: string): Card[] {
  const items = [...sectionHtml.matchAll(/<li class="meeting-card">([\s\S]*?)<\/li>/g)];
  return items.map(([, li]) => {
    const m =
      /^<a href="([^"]*)"><span class="meeting-name">([^<]*)<\/span><\/a>\s*<span class="meeting-when">([^<]*)<time datetime="([^"]*)">([^<]*)<\/time><\/span>\s*<span class="meeting-where">([^<]*)<\/span>$/.exec(
        li!,
      );
    if (m === null) throw new Error(`unexpected card markup: ${li}`);
    return {
      href: decodeEntities(m[1]!),
      name: decodeEntities(m[2]!),
      when: decodeEntities(m[3]!).trim(),
      datetime: decodeEntities(m[4]!),
      timeText: decodeEntities(m[5]!),
      where: decodeEntities(m[6]!),
    };
  });
}

function expectJsonError(res: PageResponse, status: number, code: string): ErrorBody {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(res.text) as ErrorBody;
  expect(body).toEqual({
    error: { code, message: expect.any(String) as string, details: [] },
  });
  expect(res.text).not.toMatch(/<html|<pre|at [\w.]+ \(/i);
  return body;
}

/** The directives of a Content-Security-Policy header, by name. */
function cspDirectives(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

function expectSecurityHeaders(res: PageResponse): void {
  const csp = res.headers.get('content-security-policy');
  expect(csp).not.toBeNull();
  const directives = cspDirectives(csp!);
  // script-src, or default-src where there is none, is what governs scripts.
  const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
  expect(scriptSrc).toBeDefined();
  expect(scriptSrc).toContain("'self'");
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(scriptSrc).not.toContain('*');
  expect(directives.get('object-src')).toEqual(["'none'"]);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-powered-by')).toBeNull();
}

describe('the home page with meetings on now, soon and later', () => {
  let t: TestApp;
  let before: number;
  let inProgress: Record<string, unknown>;
  let soon: Record<string, unknown>;
  let online: Record<string, unknown>;
  let later: Record<string, unknown>;
  let ended: Record<string, unknown>;
  let starts: { inProgress: Date; soon: Date; online: Date };

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    const admin = await login(t);
    before = Date.now();
    // All in UTC, placed around the real clock: the home page asks about "now".
    starts = {
      inProgress: floorMinute(before - 30 * MINUTE),
      soon: floorMinute(before + 40 * MINUTE),
      online: floorMinute(before + 80 * MINUTE),
    };
    const slot = (at: Date, minutes: number) => ({
      ...utcSlot(at),
      end_time: utcSlot(new Date(at.getTime() + minutes * MINUTE)).time,
    });
    inProgress = await createMeeting(t, admin, {
      name: 'Going On Now',
      fellowship: 'aa',
      ...slot(starts.inProgress, 120),
      timezone: 'UTC',
      attendance_option: 'in_person',
      address: '1 Elm St',
      city: 'Springfield',
    });
    soon = await createMeeting(t, admin, {
      name: 'Starting Soon In Person',
      fellowship: 'na',
      ...slot(starts.soon, 60),
      timezone: 'UTC',
      attendance_option: 'in_person',
      address: '2 Oak Ave',
      city: 'Shelbyville',
    });
    online = await createMeeting(t, admin, {
      name: 'Online Soon',
      fellowship: 'na',
      ...slot(starts.online, 60),
      timezone: 'UTC',
      attendance_option: 'online',
      conference_url: 'https://meet.example.org/online-soon',
    });
    later = await createMeeting(t, admin, {
      name: 'Later Tonight',
      fellowship: 'aa',
      ...slot(floorMinute(before + 5 * 60 * MINUTE), 60),
      timezone: 'UTC',
      attendance_option: 'in_person',
      address: '3 Pine Rd',
      city: 'Capital City',
    });
    ended = await createMeeting(t, admin, {
      name: 'Already Over',
      fellowship: 'aa',
      ...slot(floorMinute(before - 3 * 60 * MINUTE), 60),
      timezone: 'UTC',
      attendance_option: 'online',
      conference_url: 'https://meet.example.org/over',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  test('GET / renders the meetings on now and starting within two hours, in HTML', async () => {
    const res = await get(t, '/');
    const after = Date.now();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).toMatch(/^<!doctype html>/i);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(res.text).toContain('<h1>Find a meeting</h1>');
    expect(res.text).toContain('<h2 id="on-now">On now</h2>');
    expect(res.text).toContain('<h2 id="soon">Starting in the next two hours</h2>');
    // The rendered list sits inside the app's <main>, replacing its placeholder.
    expect(res.text).not.toContain('<!--app-->');
    expect(res.text).not.toContain('<!--data-->');
    const mainStart = res.text.indexOf('<main id="main"');
    const mainEnd = res.text.indexOf('</main>');
    expect(mainStart).toBeGreaterThan(-1);
    expect(res.text.indexOf('<h1>')).toBeGreaterThan(mainStart);
    expect(res.text.indexOf('<h2 id="soon">')).toBeLessThan(mainEnd);

    const nowCards = cardsOf(sectionOf(res.text, 'on-now'));
    const soonCards = cardsOf(sectionOf(res.text, 'soon'));
    expect(nowCards.map((c) => c.href)).toEqual([`/meetings/${String(inProgress.slug)}`]);
    expect(soonCards.map((c) => c.href)).toEqual([
      `/meetings/${String(soon.slug)}`,
      `/meetings/${String(online.slug)}`,
    ]);
    expect(nowCards.map((c) => c.name)).toEqual(['Going On Now']);
    expect(soonCards.map((c) => c.name)).toEqual(['Starting Soon In Person', 'Online Soon']);
    // The meeting 5 hours away and the one that ended earlier are in neither section.
    for (const absent of [later, ended]) {
      expect(res.text).not.toContain(String(absent.slug));
      expect(res.text).not.toContain(String(absent.name));
    }
    expect(res.text.match(/<li class="meeting-card">/g)).toHaveLength(3);

    // Each card: started/starts, the occurrence's instant, its time in the meeting's zone, where.
    const utcTime = (at: Date) =>
      new Intl.DateTimeFormat('en-US', {
        timeZone: 'UTC',
        hour: 'numeric',
        minute: '2-digit',
        timeZoneName: 'short',
      }).format(at);
    expect(nowCards[0]).toMatchObject({ when: 'Started', where: 'Springfield' });
    expect(Date.parse(nowCards[0]!.datetime)).toBe(starts.inProgress.getTime());
    expect(nowCards[0]!.timeText).toBe(utcTime(starts.inProgress));
    expect(soonCards[0]).toMatchObject({ when: 'Starts', where: 'Shelbyville' });
    expect(Date.parse(soonCards[0]!.datetime)).toBe(starts.soon.getTime());
    expect(soonCards[0]!.timeText).toBe(utcTime(starts.soon));
    expect(soonCards[1]).toMatchObject({ when: 'Starts', where: 'Online' });
    expect(Date.parse(soonCards[1]!.datetime)).toBe(starts.online.getTime());
    expect(soonCards[1]!.timeText).toBe(utcTime(starts.online));

    // The same lists, for the script, in #initial-data.
    const data = initialDataOf(res.text) as InitialData;
    expect(Object.keys(data).sort()).toEqual(['inProgress', 'now', 'page', 'startingSoon']);
    expect(data.page).toBe('home');
    expect(data.now).toMatch(ISO_INSTANT);
    expect(Date.parse(data.now)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(data.now)).toBeLessThanOrEqual(after);
    expect(data.inProgress.map((m) => `/meetings/${m.slug}`)).toEqual(nowCards.map((c) => c.href));
    expect(data.startingSoon.map((m) => `/meetings/${m.slug}`)).toEqual(
      soonCards.map((c) => c.href),
    );
    expect(data.inProgress.map((m) => m.name)).toEqual(nowCards.map((c) => c.name));
    expect(data.startingSoon.map((m) => m.name)).toEqual(soonCards.map((c) => c.name));
    expect(data.inProgress.map((m) => m.inProgress)).toEqual([true]);
    expect(data.startingSoon.map((m) => m.inProgress)).toEqual([false, false]);
    expect(data.inProgress.map((m) => m.nextStart)).toEqual(nowCards.map((c) => c.datetime));
    expect(data.startingSoon.map((m) => m.nextStart)).toEqual(soonCards.map((c) => c.datetime));
    expect(data.startingSoon[1]).toMatchObject({
      attendance_option: 'online',
      conference_url: 'https://meet.example.org/online-soon',
    });

    // And they are what the API says for the same questions.
    const apiSlugs = async (query: string) => {
      const r = await get(t, `/api/v1/meetings?${query}`);
      expect(r.status).toBe(200);
      return (JSON.parse(r.text) as { items: { slug: string }[] }).items.map((m) => m.slug);
    };
    expect(await apiSlugs('in_progress=true')).toEqual(data.inProgress.map((m) => m.slug));
    expect(await apiSlugs('starting_within=120')).toEqual(data.startingSoon.map((m) => m.slug));
  });

  test('the meetings a card links to exist in the API under the same slug', async () => {
    const html = (await get(t, '/')).text;
    const hrefs = [...html.matchAll(/<a href="\/meetings\/([^"]+)">/g)].map((m) => m[1]!);
    expect(hrefs).toHaveLength(3);
    for (const slug of hrefs) {
      const res = await get(t, `/api/v1/meetings/${slug}`);
      expect(res.status).toBe(200);
      expect((JSON.parse(res.text) as { slug: string }).slug).toBe(slug);
      // ...and the link itself opens the app's meeting page.
      const page = await get(t, `/meetings/${slug}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<main id="main"');
    }
  });

  test('/assets/ serves the built script and stylesheet, cacheable for an hour', async () => {
    const js = await get(t, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^(text|application)\/javascript(;|$)/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(js.text.length).toBeGreaterThan(1000);
    expect(Number(js.headers.get('content-length'))).toBe(Buffer.byteLength(js.text));
    expect(js.text.trimStart()).not.toMatch(/^[<{]/);
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');

    const css = await get(t, '/assets/app.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css(;|$)/);
    expect(css.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(css.text.length).toBeGreaterThan(100);
    expect(css.text).toMatch(/\{[^}]*:[^}]*\}/);

    // A second request can be answered from the cache's validator.
    const etag = js.headers.get('etag');
    expect(etag).not.toBeNull();
    // (fetch adds "Cache-Control: no-cache" to conditional requests unless given one.)
    const revalidated = await get(t, '/assets/app.js', {
      'if-none-match': etag!,
      'cache-control': 'max-age=0',
    });
    expect(revalidated.status).toBe(304);
    expect(revalidated.text).toBe('');
  });

  test('a missing asset is the JSON 404, never an HTML page or a file outside dist/web', async () => {
    expectJsonError(await get(t, '/assets/nope.js'), 404, 'NOT_FOUND');
    expectJsonError(await get(t, '/assets/'), 404, 'NOT_FOUND');
    expectJsonError(await get(t, '/assets/nested/dir/nope.css'), 404, 'NOT_FOUND');
    // The page template and the build's size report live beside the assets, not among them: an
    // unfilled template would be a broken page, cached for an hour.
    expectJsonError(await get(t, '/assets/index.html'), 404, 'NOT_FOUND');
    expectJsonError(await get(t, '/assets/sizes.json'), 404, 'NOT_FOUND');
    // Escaping the folder: dot segments, sent as they are (fetch would resolve them first), are
    // not followed out of dist/web.
    for (const path of [
      '/assets/../package.json',
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/assets/..%5c..%5cpackage.json',
    ]) {
      const res = await rawGet(t, path);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.text).not.toContain('"meetinghouse"');
      expect(res.text).not.toContain('devDependencies');
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  test.each([
    ['/meetings/some-slug'],
    ['/rooms/6f1c2a9e-4b7d-4e3a-9c58-2d0b7e5f1a34'],
    ['/facilitate'],
    ['/facilitate/rooms/x'],
    ['/admin'],
    ['/admin/meetings/new'],
  ])('%s is the app shell', async (path) => {
    const res = await get(t, path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toMatch(/^<!doctype html>/i);
    expect(res.text).toMatch(/<main id="main"[^>]*>/);
    expect(res.text).toContain('<script type="module" src="/assets/app.js"></script>');
    expect(res.text).toContain('<link rel="stylesheet" href="/assets/app.css" />');
    expect(res.text).not.toContain('<!--app-->');
    expect(res.text).not.toContain('<!--data-->');
    // No server-rendered view here: the script draws the page; its data slot is empty.
    expect(res.text).not.toContain('meeting-card');
    expect(initialDataOf(res.text)).toBeNull();
    expectSecurityHeaders(res);
  });

  test('paths outside the app and the API are the JSON 404', async () => {
    const body = expectJsonError(await get(t, '/nonsense'), 404, 'NOT_FOUND');
    expect(body.error.message).toContain('/nonsense');
    expectJsonError(await get(t, '/nonsense/deeper?x=1'), 404, 'NOT_FOUND');
    expectJsonError(await get(t, '/index.html'), 404, 'NOT_FOUND');
    expectJsonError(await get(t, '/rooms'), 404, 'NOT_FOUND');
  });

  test('the API is untouched by the web pages', async () => {
    const list = await get(t, '/api/v1/meetings');
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toMatch(/^application\/json/);
    const items = (JSON.parse(list.text) as { items: { slug: string }[] }).items;
    expect(items.map((m) => m.slug).sort()).toEqual(
      [inProgress, soon, online, later, ended].map((m) => String(m.slug)).sort(),
    );

    // The API's own /meetings/:slug is not the shell page.
    const missing = await get(t, '/api/v1/meetings/some-slug');
    expectJsonError(missing, 404, 'NOT_FOUND');
    expectJsonError(await get(t, '/api/v1/nonsense'), 404, 'NOT_FOUND');

    const health = await get(t, '/health');
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', db: 'up' });
  });

  test('the home page sends the security headers, with no inline scripts allowed', async () => {
    const res = await get(t, '/');
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
    // The page needs no inline script to run: its only <script> with code is the external one.
    const scripts = [...res.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((s) => s[1]!.trim())).toEqual([
      'type="module" src="/assets/app.js"',
      'type="application/json" id="initial-data"',
    ]);
    expect(scripts[0]![2]).toBe('');
    // No inline event handlers, which that policy would block anyway.
    expect(res.text).not.toMatch(/\son[a-z]+\s*=/i);
  });

  test('security headers also on assets and errors', async () => {
    const asset = await get(t, '/assets/app.js');
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    expect(asset.headers.get('x-powered-by')).toBeNull();
    const missing = await get(t, '/nonsense');
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    expect(missing.headers.get('x-powered-by')).toBeNull();
  });

  test('malformed percent-encoding and long query strings do not break the home page', async () => {
    for (const query of ['q=%ZZ', 'q=%', '%E0%A4%A=1', 'q=%00%FF&day=%ZZ&in_progress=maybe']) {
      const res = await get(t, `/?${query}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('<h2 id="on-now">On now</h2>');
      expect((initialDataOf(res.text) as InitialData).page).toBe('home');
    }

    // Long, but within what Node accepts in a request head: still the page.
    const long = await get(t, `/?q=${'a'.repeat(6000)}&${'x=1&'.repeat(500)}`);
    expect(long.status).toBe(200);
    expect(long.text).toContain('<h1>Find a meeting</h1>');

    // Longer than Node's header limit: refused, but as a client error, not a crash.
    const huge = await get(t, `/?q=${'a'.repeat(40_000)}`);
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);

    // And the service is still fine afterwards.
    expect((await get(t, '/')).status).toBe(200);
  });

  test('malformed percent-encoding in an app page path is a client error, not a 500', async () => {
    for (const path of ['/meetings/%ZZ', '/rooms/%E0%A4%A', '/admin/%']) {
      const res = await get(t, path);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.text).not.toMatch(/<html|<pre|URIError|at [\w.]+ \(/i);
    }
  });
});

describe('escaping on the home page', () => {
  const NAME = 'Hope </script><script>alert(1)</script> & "Friends"';
  let t: TestApp;
  let meeting: Record<string, unknown>;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    const admin = await login(t);
    meeting = await createMeeting(t, admin, {
      name: NAME,
      fellowship: 'aa',
      ...utcSlot(floorMinute(Date.now() + 30 * MINUTE)),
      timezone: 'UTC',
      attendance_option: 'online',
      conference_url: 'https://meet.example.org/hope',
      notes: "It's <b>bold</b>",
    });
    expect(meeting.name).toBe(NAME);
  });

  afterAll(async () => {
    await t.close();
  });

  test('a name with markup is shown as text and cannot close or open a script', async () => {
    const res = await get(t, '/');
    expect(res.status).toBe(200);
    const html = res.text;
    // The raw name, and any piece of its markup, never appears as markup.
    expect(html).not.toContain(NAME);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('alert(1)</script>');
    expect(html).not.toContain('"Friends"');
    // Exactly the page's own two script elements, opened and closed once each.
    expect(html.match(/<script\b/gi)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);

    // The card shows the name as the same text.
    const cards = cardsOf(sectionOf(html, 'soon'));
    expect(cards).toHaveLength(1);
    expect(cards[0]!.name).toBe(NAME);
    expect(cards[0]!.href).toBe(`/meetings/${String(meeting.slug)}`);
    expect(cardsOf(sectionOf(html, 'on-now'))).toEqual([]);

    // The script's data parses, to exactly the name.
    const data = initialDataOf(html) as InitialData & {
      startingSoon: (HomeMeeting & { notes: string })[];
    };
    expect(data.startingSoon).toHaveLength(1);
    expect(data.startingSoon[0]!.name).toBe(NAME);
    expect(data.startingSoon[0]!.notes).toBe("It's <b>bold</b>");
    expect(data.startingSoon[0]!.slug).toBe(meeting.slug);
    const raw = /<script type="application\/json" id="initial-data">([\s\S]*?)<\/script>/.exec(
      html,
    )![1]!;
    expect(raw).not.toContain('<');
    expect(raw).toContain('\\u003c/script>');
  });
});

describe('the home page of an empty directory', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  test('still renders, with kind empty-state texts and empty lists', async () => {
    const res = await get(t, '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).toContain('<h1>Find a meeting</h1>');
    expect(sectionOf(res.text, 'on-now')).toContain(
      '<p class="empty">Nothing is in progress right now.</p>',
    );
    expect(sectionOf(res.text, 'soon')).toContain(
      '<p class="empty">No meetings start in the next two hours.</p>',
    );
    expect(res.text).not.toContain('meeting-card');
    expect(res.text).not.toContain('<ul class="meeting-list">');
    const data = initialDataOf(res.text) as InitialData;
    expect(data).toEqual({
      page: 'home',
      now: expect.stringMatching(ISO_INSTANT) as string,
      inProgress: [],
      startingSoon: [],
    });
  });
});
