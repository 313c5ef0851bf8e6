/**
 * Imports by URL must not become a way into the network behind the service (server-side request
 * forgery): only public addresses are fetched, checked on the address actually connected to and
 * again after every redirect. End to end, the only targets are loopback servers this file runs
 * (the workplace forbids traffic to any other address), and each counts its hits so that a refusal
 * is seen to happen before any connection. Every other non-public range goes through the same
 * check, which the classifier tests below cover address by address.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import {
  nonPublicReason,
  parseIp,
  parseIpRange,
  rangeContains,
} from '../../src/common/network-address.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN_ENV, api, login } from '../support/http.js';
import {
  countMeetings,
  expectValidationFailed,
  runImport,
  type ApiErrorBody,
} from '../meetings/write-fixtures.js';

const FEED = [
  {
    slug: 'ssrf-check-meeting',
    name: 'Tuesday Literature',
    fellowship: 'aa',
    day: 2,
    time: '19:00',
    timezone: 'America/Chicago',
    conference_url: 'https://zoom.us/j/123123123',
  },
];

interface LocalServer {
  port: number;
  origin: string;
  /** Requests received, by path. */
  hits: string[];
  close(): Promise<void>;
}

async function localServer(
  host: string,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LocalServer> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://${host}:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function serveFeed(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(FEED));
}

function messageOf(res: { body: unknown }): string {
  return (res.body as ApiErrorBody).error.message;
}

describe('the address classifier behind the import guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['100.64.0.1', 'carrier-grade NAT'],
    // IPv6 spellings of IPv4 addresses reach the IPv4 address: judged by it.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
  ])('%s is refused as %s', (text, kind) => {
    const address = parseIp(text);
    expect(address).toBeDefined();
    expect(nonPublicReason(address!)).toContain(kind);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '2a00:1450::1',
  ])('%s is public', (text) => {
    expect(nonPublicReason(parseIp(text)!)).toBeUndefined();
  });

  it('reads address ranges for IMPORT_ALLOW_PRIVATE_NETWORKS, and refuses anything else', () => {
    const lan = parseIpRange('10.1.0.0/16')!;
    expect(rangeContains(lan, parseIp('10.1.200.3')!)).toBe(true);
    expect(rangeContains(lan, parseIp('10.2.0.1')!)).toBe(false);
    expect(rangeContains(parseIpRange('127.0.0.1')!, parseIp('127.0.0.2')!)).toBe(false);
    expect(rangeContains(parseIpRange('fd00::/8')!, parseIp('fd12::1')!)).toBe(true);

    expect(loadConfig({ IMPORT_ALLOW_PRIVATE_NETWORKS: '' }).importAllowPrivateNetworks).toEqual(
      [],
    );
    expect(
      loadConfig({ IMPORT_ALLOW_PRIVATE_NETWORKS: '127.0.0.1, 10.0.0.0/8' })
        .importAllowPrivateNetworks,
    ).toHaveLength(2);
    for (const bad of ['localhost', '10.0.0.0/33', '10.0.0.0/8/1', '999.1.1.1']) {
      let problems: string[] = [];
      try {
        loadConfig({ IMPORT_ALLOW_PRIVATE_NETWORKS: bad });
      } catch (err) {
        if (err instanceof ConfigError) problems = err.problems;
      }
      expect(problems).toEqual([
        expect.stringContaining(`IMPORT_ALLOW_PRIVATE_NETWORKS must be a comma list`),
      ]);
    }
  });
});

describe('POST /imports by URL with the default configuration (public addresses only)', () => {
  let t: TestApp;
  let admin: string;
  let feed: LocalServer;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    admin = await login(t);
    feed = await localServer('127.0.0.1', (_req, res) => serveFeed(res));
  });

  afterAll(async () => {
    await feed.close();
    await t.close();
  });

  it('refuses loopback however it is spelled, names why, and never connects', async () => {
    const meetings = await countMeetings(t);
    const port = feed.port;
    const guard =
      /, a (loopback|unspecified) .*address: imports are fetched from public addresses only$/;
    // Spellings the request validation already turns away as not a URL never reach the guard.
    const notAUrl = /^url must be an http\(s\) URL$/;
    for (const [url, expected] of [
      [`http://127.0.0.1:${port}/feed.json`, guard],
      [`http://localhost:${port}/feed.json`, guard],
      [`http://127.1:${port}/feed.json`, notAUrl],
      [`http://[::ffff:127.0.0.1]:${port}/feed.json`, guard],
      [`http://[::1]:${port}/feed.json`, guard],
      [`http://0.0.0.0:${port}/feed.json`, guard],
      [`http://2130706433:${port}/feed.json`, notAUrl],
      [`http://0x7f.0.0.1:${port}/feed.json`, notAUrl],
    ] as const) {
      const res = await api(t, 'POST', '/imports', {
        token: admin,
        body: { format: 'meeting-guide', source: 'ssrf', url, fellowship: 'aa' },
      });
      expectValidationFailed(res, 'url');
      expect({ url, message: messageOf(res) }).toEqual({
        url,
        message: expect.stringMatching(expected) as string,
      });
    }
    expect(feed.hits).toEqual([]);
    expect(await countMeetings(t)).toBe(meetings);
  });

  it('refuses URLs with credentials and non-http schemes', async () => {
    for (const url of [
      `http://user:secret@example.org/feed.json`,
      'file:///etc/passwd',
      'gopher://127.0.0.1:70/_x',
    ]) {
      const res = await api(t, 'POST', '/imports', {
        token: admin,
        body: { format: 'meeting-guide', source: 'ssrf', url, fellowship: 'aa' },
      });
      expectValidationFailed(res, 'url');
      expect(messageOf(res)).not.toContain('secret');
    }
  });
});

describe('POST /imports by URL with one loopback address allowed', () => {
  let t: TestApp;
  let admin: string;
  let allowed: LocalServer;
  let other: LocalServer;

  beforeAll(async () => {
    t = await startTestApp({
      env: { ...ADMIN_ENV, IMPORT_ALLOW_PRIVATE_NETWORKS: '127.0.0.1', IMPORT_MAX_BYTES: '4096' },
    });
    admin = await login(t);
    // Another loopback address, not in the allowance: what a redirect must not reach.
    other = await localServer('127.0.0.2', (_req, res) => serveFeed(res));
    allowed = await localServer('127.0.0.1', (req, res) => {
      const path = req.url ?? '';
      if (path === '/feed.json') return serveFeed(res);
      if (path === '/feed.json.gz') {
        res
          .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
          .end(gzipSync(JSON.stringify(FEED)));
        return;
      }
      if (path === '/bomb.gz') {
        // 64 KB of JSON-ish filler in a few hundred compressed bytes: over the 4 KB cap once read.
        res
          .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
          .end(gzipSync(`[${' '.repeat(64 * 1024)}]`));
        return;
      }
      if (path === '/cut.gz' || path === '/cut.json') {
        // The connection drops halfway through the body.
        const whole =
          path === '/cut.gz' ? gzipSync(JSON.stringify(FEED)) : Buffer.from(JSON.stringify(FEED));
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(whole.length),
          ...(path === '/cut.gz' ? { 'content-encoding': 'gzip' } : {}),
        });
        res.write(whole.subarray(0, Math.floor(whole.length / 2)));
        setTimeout(() => res.socket?.destroy(), 50);
        return;
      }
      const location = {
        '/to-feed': '/feed.json',
        '/to-other': `${other.origin}/feed.json`,
        '/to-file': 'file:///etc/passwd',
        '/loop': '/loop',
      }[path];
      if (location === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(302, { location }).end();
    });
  });

  afterAll(async () => {
    await allowed.close();
    await other.close();
    await t.close();
  });

  const importFrom = (path: string, source: string) =>
    api(t, 'POST', '/imports', {
      token: admin,
      body: { format: 'meeting-guide', source, url: `${allowed.origin}${path}`, fellowship: 'aa' },
    });

  it('fetches from the allowed address, through a redirect that stays there, gzip or not', async () => {
    expect(
      await runImport(t, admin, {
        format: 'meeting-guide',
        source: 'ssrf-allowed',
        url: `${allowed.origin}/to-feed`,
        fellowship: 'aa',
      }),
    ).toEqual({ created: 1, updated: 0, unchanged: 0, removed: 0, errors: [] });
    expect(
      await runImport(t, admin, {
        format: 'meeting-guide',
        source: 'ssrf-allowed',
        url: `${allowed.origin}/feed.json.gz`,
        fellowship: 'aa',
      }),
    ).toEqual({ created: 0, updated: 0, unchanged: 1, removed: 0, errors: [] });
  });

  it('checks every redirect: one to an address outside the allowance is refused before connecting', async () => {
    const meetings = await countMeetings(t);
    const res = await importFrom('/to-other', 'ssrf-redirect');
    expectValidationFailed(res, 'url');
    expect(messageOf(res)).toMatch(/127\.0\.0\.2, a loopback address/);
    expect(other.hits).toEqual([]);

    const direct = await api(t, 'POST', '/imports', {
      token: admin,
      body: {
        format: 'meeting-guide',
        source: 'ssrf-redirect',
        url: `${other.origin}/feed.json`,
        fellowship: 'aa',
      },
    });
    expectValidationFailed(direct, 'url');
    expect(other.hits).toEqual([]);
    expect(await countMeetings(t)).toBe(meetings);
  });

  it('refuses a redirect to a non-http scheme and a redirect loop', async () => {
    const toFile = await importFrom('/to-file', 'ssrf-redirect');
    expectValidationFailed(toFile, 'url');
    expect(messageOf(toFile)).toMatch(/non-http/);

    const before = allowed.hits.length;
    const loop = await importFrom('/loop', 'ssrf-redirect');
    expectValidationFailed(loop, 'url');
    expect(messageOf(loop)).toMatch(/redirects more than 5 times/);
    expect(allowed.hits.length - before).toBe(6);
  });

  it('answers a connection that drops mid-body with its failure, compressed or not', async () => {
    for (const path of ['/cut.json', '/cut.gz']) {
      const res = await importFrom(path, 'ssrf-cut');
      expectValidationFailed(res, 'url');
      // Seen as a failure of the connection, not waited out until the fetch's time limit.
      expect({ path, message: messageOf(res) }).toEqual({
        path,
        message: expect.stringMatching(
          /^could not (fetch|read) .*(aborted|closed|reset|terminated|premature)/i,
        ) as string,
      });
    }
  });

  it('caps a compressed document by its decompressed size (413)', async () => {
    const res = await importFrom('/bomb.gz', 'ssrf-bomb');
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });
});
