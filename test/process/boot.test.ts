import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  embeddedClient,
  isAlive,
  postmasterPid,
  startService,
  type ServiceProcess,
} from '../support/service-process.js';

const MAIN = new URL('../../dist/src/main.js', import.meta.url).pathname;

async function health(service: ServiceProcess): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${service.port}/health`);
  return { status: res.status, body: await res.json() };
}

async function waitUntilDead(pid: number): Promise<void> {
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
}

describe('the service as a process, on its embedded PostgreSQL', () => {
  let dataDir: string;
  let running: ServiceProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meetinghouse-boot-'));
  });

  afterAll(async () => {
    if (running !== undefined && running.child.exitCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts on a fresh data directory, answers /health, and keeps data across a clean restart', async () => {
    running = await startService({ DATA_DIR: dataDir });
    expect(await health(running)).toEqual({ status: 200, body: { status: 'ok', db: 'up' } });
    expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    expect(running.logs.map((l) => l.msg)).toContain(
      'creating embedded PostgreSQL cluster (first start)',
    );

    const client = await embeddedClient(dataDir, running.databasePort ?? 0);
    await client.query('CREATE TABLE boot_marker (note text)');
    await client.query(`INSERT INTO boot_marker VALUES ('kept')`);
    await client.end();

    const pgPid = await postmasterPid(dataDir);
    running.child.kill('SIGTERM');
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(isAlive(pgPid)).toBe(false);
    expect(running.logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['shutting down', 'embedded PostgreSQL stopped']),
    );
    expect(running.logs.filter((l) => l.level === 'error')).toEqual([]);

    running = await startService({ DATA_DIR: dataDir });
    expect(running.logs.map((l) => l.msg)).not.toContain(
      'creating embedded PostgreSQL cluster (first start)',
    );
    const again = await embeddedClient(dataDir, running.databasePort ?? 0);
    expect((await again.query('SELECT note FROM boot_marker')).rows).toEqual([{ note: 'kept' }]);
    await again.end();
    expect((await health(running)).status).toBe(200);
  });

  it('refuses a second service on the same data directory while the first runs', async () => {
    const second = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(second.status).toBe(1);
    expect(second.stdout).toMatch(/in use by another running process/);
    expect((await health(running!)).status).toBe(200);
  });

  it('recovers after being killed with SIGKILL (its database orphaned)', async () => {
    const orphan = await postmasterPid(dataDir);
    running!.child.kill('SIGKILL');
    await running!.exited;
    expect(isAlive(orphan)).toBe(true);

    running = await startService({ DATA_DIR: dataDir });
    expect(running.logs.map((l) => l.msg)).toContain(
      'stopping an orphaned embedded PostgreSQL left by an earlier run',
    );
    expect(isAlive(orphan)).toBe(false);
    expect((await health(running)).status).toBe(200);
    const client = await embeddedClient(dataDir, running.databasePort ?? 0);
    expect((await client.query('SELECT count(*)::int AS n FROM boot_marker')).rows).toEqual([
      { n: 1 },
    ]);
    await client.end();
  });

  it('recovers from a stale lock file when the database died with it', async () => {
    const pgPid = await postmasterPid(dataDir);
    running!.child.kill('SIGKILL');
    await running!.exited;
    process.kill(pgPid, 'SIGKILL');
    await waitUntilDead(pgPid);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(true);

    running = await startService({ DATA_DIR: dataDir });
    expect(running.logs.map((l) => l.msg)).toContain(
      'removing a stale PostgreSQL lock file left by an earlier run',
    );
    expect((await health(running)).status).toBe(200);
  });
});

describe('start-up configuration errors', () => {
  function start(env: Record<string, string>) {
    return spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
  }

  it('stops with a message naming the bad variable', () => {
    const result = start({ PORT: 'eighty' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT must be an integer from 0 to 65535 (got "eighty")');
  });

  it('refuses to start in production without a JWT_SECRET of its own', () => {
    const result = start({ NODE_ENV: 'production', DATABASE_URL: 'postgres://127.0.0.1:1/none' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/JWT_SECRET must be set/);
  });
});
