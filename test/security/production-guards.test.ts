/**
 * Production guards (issue 7, item 6): the service refuses to start in production with a secret
 * anyone can read (the development JWT secret; the README's example admin password), sends
 * security headers on API, page and asset responses, keeps credentials out of caches, and
 * grants cross-origin access to nobody unless CORS_ORIGINS names them (REST and the Socket.IO
 * handshake). The config-level rules are in test/config/config.test.ts; here the built service
 * and the app as main.ts configures it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { DEV_JWT_SECRET, DOCUMENTED_EXAMPLE_PASSWORDS } from '../../src/config/config.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN_ENV, api, login } from '../support/http.js';

const MAIN = new URL('../../dist/src/main.js', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;
const EVIL = 'https://evil.example';
const FRIEND = 'https://intergroup.example.org';
const PRODUCTION_ENV = {
  ...ADMIN_ENV,
  NODE_ENV: 'production',
  JWT_SECRET: randomBytes(48).toString('base64'),
};

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
}

/** A raw request, so that upgrade answers (which fetch cannot make) can be read too. */
function raw(
  t: TestApp,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const url = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      path,
      method: options.method ?? 'GET',
      headers: options.headers,
    });
    req.on('upgrade', (res, socket) => {
      resolve({ status: 101, headers: res.headers });
      socket.destroy();
    });
    req.on('response', (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      res.resume();
    });
    req.on('error', reject);
    req.end();
  });
}

/** What a browser on another site sends to open the realtime connection. */
function websocketUpgrade(t: TestApp, origin: string): Promise<Answer> {
  return raw(t, '/socket.io/?EIO=4&transport=websocket', {
    headers: {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': randomBytes(16).toString('base64'),
      origin,
    },
  });
}

function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), values);
  }
  return map;
}

describe('start-up in production refuses secrets that anyone can read', () => {
  function start(env: Record<string, string>) {
    return spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
  }

  it('stops before listening with the development JWT secret and the README’s admin password, naming both and echoing neither', () => {
    const result = start({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://127.0.0.1:1/none',
      JWT_SECRET: DEV_JWT_SECRET,
      ADMIN_EMAIL: 'admin@example.org',
      ADMIN_PASSWORD: 'a long passphrase',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/JWT_SECRET must be set to your own random secret/);
    expect(result.stderr).toMatch(/ADMIN_PASSWORD must be your own password in production/);
    expect(result.stderr + result.stdout).not.toContain(DEV_JWT_SECRET);
    expect(result.stderr + result.stdout).not.toContain('a long passphrase');
    expect(result.stdout).not.toContain('Meetinghouse is listening');
  });

  it('refuses every admin password that our docs show as an example', async () => {
    const docs = [
      await readFile(`${ROOT}README.md`, 'utf8'),
      await readFile(`${ROOT}SECURITY.md`, 'utf8'),
      await readFile(`${ROOT}docker-compose.yml`, 'utf8'),
    ].join('\n');
    const examples = [...docs.matchAll(/ADMIN_PASSWORD=(['"])([^'"]+)\1/g)].map((m) => m[2]);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(DOCUMENTED_EXAMPLE_PASSWORDS).toContain(example);
  });
});

describe('security headers, as production sends them', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: PRODUCTION_ENV });
    admin = await login(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['an API answer', 'GET', '/api/v1/meetings'],
    ['an API error', 'GET', '/api/v1/no-such-thing'],
    ['an API validation error', 'GET', '/api/v1/meetings?limit=abc'],
    ['an API refusal', 'GET', '/api/v1/facilitators'],
    ['a new participant token', 'POST', '/api/v1/participants'],
    ['the health check', 'GET', '/health'],
    ['the home page', 'GET', '/'],
    ['a room page', 'GET', `/rooms/${randomUUID()}`],
    ['a script', 'GET', '/assets/app.js'],
    ['a missing asset', 'GET', '/assets/missing.js'],
    ['the API document', 'GET', '/docs-json'],
  ])('on %s (%s %s)', async (_what, method, path) => {
    const res = await raw(t, path, { method });
    expect(res.status).toBeLessThan(500);
    const csp = directives(String(res.headers['content-security-policy']));
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
    expect(["'self'", "'none'"]).toContain(csp.get('frame-ancestors')?.join(' '));
    expect(csp.get('script-src') ?? []).not.toContain("'unsafe-inline'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // A recovery site must not tell the next site where its visitor came from.
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(['SAMEORIGIN', 'DENY']).toContain(res.headers['x-frame-options']);
    const hsts = /max-age=(\d+)/.exec(String(res.headers['strict-transport-security']));
    expect(Number(hsts?.[1])).toBeGreaterThanOrEqual(180 * 24 * 3600);
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('keeps tokens and signed-in answers out of every cache', async () => {
    const participant = await api<{ token: string }>(t, 'POST', '/participants');
    const refreshed = await api(t, 'POST', '/participants/refresh', {
      token: participant.body.token,
    });
    const signIn = await api(t, 'POST', '/auth/login', {
      body: { email: ADMIN_ENV.ADMIN_EMAIL, password: ADMIN_ENV.ADMIN_PASSWORD },
    });
    const reports = await api(t, 'GET', '/moderation/reports', { token: admin });
    const accounts = await api(t, 'GET', '/facilitators', { token: admin });
    const failedSignIn = await api(t, 'POST', '/auth/login', {
      body: { email: ADMIN_ENV.ADMIN_EMAIL, password: 'not the password' },
    });
    const cacheControl = Object.fromEntries(
      Object.entries({ participant, refreshed, signIn, reports, accounts, failedSignIn }).map(
        ([name, res]) => [name, `${res.status} ${res.headers.get('cache-control')}`],
      ),
    );
    expect(cacheControl).toEqual({
      participant: '201 no-store',
      refreshed: '200 no-store',
      signIn: '200 no-store',
      reports: '200 no-store',
      accounts: '200 no-store',
      failedSignIn: '401 no-store',
    });
  });

  it('leaves public, anonymous answers cacheable as before', async () => {
    const feed = await api(t, 'GET', '/feeds/meeting-guide.json');
    expect(feed.headers.get('cache-control')).toBe('public, max-age=300');
    const search = await api(t, 'GET', '/meetings');
    expect(search.headers.get('cache-control')).toBeNull();
  });
});

describe('cross-origin access, closed by default', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('grants no origin on REST answers and preflights', async () => {
    const answers = [
      await raw(t, '/api/v1/meetings', { headers: { origin: EVIL } }),
      await raw(t, '/api/v1/participants', {
        method: 'OPTIONS',
        headers: { origin: EVIL, 'access-control-request-method': 'POST' },
      }),
      await raw(t, '/api/v1/participants', { method: 'POST', headers: { origin: EVIL } }),
    ];
    for (const res of answers) expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('grants no origin on the Socket.IO handshake, polling or websocket', async () => {
    const polling = await raw(t, '/socket.io/?EIO=4&transport=polling', {
      headers: { origin: EVIL },
    });
    const preflight = await raw(t, '/socket.io/?EIO=4&transport=polling', {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'GET' },
    });
    const upgrade = await websocketUpgrade(t, EVIL);
    expect(upgrade.status).toBe(101);
    for (const res of [polling, preflight, upgrade])
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    // Long-polling is off altogether: websocket only.
    expect(polling.status).toBe(400);
  });
});

describe('cross-origin access with CORS_ORIGINS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { CORS_ORIGINS: FRIEND } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('grants the listed origin and nobody else, on REST and on the Socket.IO handshake', async () => {
    const grant = async (origin: string): Promise<(string | undefined)[]> => {
      const answers = [
        await raw(t, '/api/v1/meetings', { headers: { origin } }),
        await raw(t, '/api/v1/participants', {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST' },
        }),
        await raw(t, '/socket.io/?EIO=4&transport=polling', {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'GET' },
        }),
      ];
      return answers.map((a) => a.headers['access-control-allow-origin']);
    };
    expect(await grant(FRIEND)).toEqual([FRIEND, FRIEND, FRIEND]);
    expect(await grant(EVIL)).toEqual([undefined, undefined, undefined]);
  });
});
