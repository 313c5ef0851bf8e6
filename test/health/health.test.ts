import pg from 'pg';
import { adminUrl } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/app.js';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('GET /health', () => {
  let t: TestApp;
  let dbName: string;

  beforeAll(async () => {
    t = await startTestApp();
    dbName = decodeURIComponent(new URL(t.databaseUrl).pathname.slice(1));
  });

  afterAll(async () => {
    await admin(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
    await t.close();
  });

  it('answers 200 with the database up, at /health and under the API base path', async () => {
    for (const path of ['/health', '/api/v1/health']) {
      const res = await fetch(t.baseUrl + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({ status: 'ok', db: 'up' });
    }
  });

  it('answers 503 while the database refuses connections, and recovers by itself', async () => {
    await admin(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
    await admin(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName}'`,
    );

    const down = await fetch(`${t.baseUrl}/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'error', db: 'down' });

    await admin(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
    const up = await fetch(`${t.baseUrl}/health`);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: 'ok', db: 'up' });
  });

  it('serves the OpenAPI document at /docs-json and its UI at /docs', async () => {
    const json = await fetch(`${t.baseUrl}/docs-json`);
    expect(json.status).toBe(200);
    const document = (await json.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health']));

    const ui = await fetch(`${t.baseUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/text\/html/);
    expect(await ui.text()).toContain('swagger-ui');
  });
});
