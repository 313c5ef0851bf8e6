import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { JsonLogger } from '../src/common/logging/json-logger.js';
import { loadConfig, loadConfigFromEnvironment } from '../src/config/config.js';
import { createDataSource } from '../src/database/data-source.js';
import { createDatabase, dropDatabase, withDatabaseName } from '../src/database/databases.js';
import { EmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { runPendingMigrations } from '../src/database/run-migrations.js';

/** Quiet logs: a benchmark prints its table, not request lines. */
export function quietLogs(): JsonLogger {
  const logger = new JsonLogger('error', (line) => process.stderr.write(line + '\n'));
  Logger.overrideLogger(logger);
  return logger;
}

export interface BenchDatabase {
  url: string;
  /** The embedded server's postmaster, whose CPU a benchmark can count; none on DATABASE_URL. */
  postmasterPid: number | undefined;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database for one benchmark run: on DATABASE_URL's server when set (a
 * scratch database, dropped afterwards), else on a throw-away embedded PostgreSQL.
 */
export async function benchDatabase(): Promise<BenchDatabase> {
  const config = loadConfigFromEnvironment();
  let embedded: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  let serverUrl = config.databaseUrl;
  if (serverUrl === undefined) {
    dataDir = await mkdtemp(join(tmpdir(), 'meetinghouse-bench-'));
    embedded = await EmbeddedPostgres.start({ dataDir, database: 'bench' });
    serverUrl = embedded.url('postgres');
  }
  const url =
    embedded === undefined
      ? await createDatabase(serverUrl, 'meetinghouse_bench')
      : withDatabaseName(serverUrl, 'bench');
  const ds = createDataSource({ url, poolSize: 2 });
  await ds.initialize();
  await runPendingMigrations(ds);
  await ds.destroy();
  return {
    url,
    postmasterPid: embedded?.pid,
    close: async () => {
      if (embedded !== undefined) {
        await embedded.stop();
        if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
      } else {
        await dropDatabase(serverUrl, url);
      }
    },
  };
}

export interface BenchApp {
  app: NestExpressApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/** The real service, configured as `npm start` configures it, on a free port. */
export async function benchApp(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<BenchApp> {
  const logger = quietLogs();
  const config = loadConfig({
    NODE_ENV: 'production',
    JWT_SECRET: 'b'.repeat(48),
    LOG_LEVEL: 'error',
    ...env,
  });
  @Module({ imports: [AppModule.forRoot(config, databaseUrl)] })
  class BenchModule {}
  const app = await NestFactory.create<NestExpressApplication>(BenchModule, {
    logger,
    bodyParser: false,
  });
  await configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as { address(): { port: number } }).address();
  return { app, baseUrl: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const index = Math.min(
    sortedMs.length - 1,
    Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1),
  );
  return sortedMs[index] as number;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  n: number;
}

export function summarize(samplesMs: number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    n: sorted.length,
  };
}

export function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** A Markdown table, so the output pastes straight into BENCHMARKS.md. */
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]): string => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

export interface ServiceChild {
  pid: number;
  baseUrl: string;
  /** Resident memory in bytes, read from /proc (Linux). */
  rss(): number;
  stop(): Promise<void>;
}

/** The built service as its own process (`node dist/src/main.js`), so its memory is its own. */
export async function startServiceProcess(
  databaseUrl: string,
  nodeArgs: string[] = [],
): Promise<ServiceChild> {
  const { spawn } = await import('node:child_process');
  const { readFileSync } = await import('node:fs');
  const main = new URL('../src/main.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [...nodeArgs, main], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: databaseUrl,
      PORT: '0',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      JWT_SECRET: 'c'.repeat(48),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = /"msg":"Meetinghouse is listening"[^\n]*"port":(\d+)/.exec(buffered);
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`service exited with ${code}`)));
  });
  child.stdout.resume();
  return {
    pid: child.pid ?? 0,
    baseUrl: `http://127.0.0.1:${port}`,
    rss: () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
      } catch {
        return NaN; // the process has ended
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
