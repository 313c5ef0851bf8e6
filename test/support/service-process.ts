import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { keepLogLine } from './run-record.js';

const MAIN = new URL('../../dist/src/main.js', import.meta.url).pathname;

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  /** The embedded PostgreSQL's port, when the service runs one. */
  databasePort: number | undefined;
  logs: Record<string, unknown>[];
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs the built service (`npm start` without the build step) as a separate process with only
 * the given environment: no DATABASE_URL unless passed, so the embedded server is used.
 */
export function startService(
  env: Record<string, string>,
  readyTimeoutMs = 30_000,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const service: ServiceProcess = {
    child,
    port: 0,
    databasePort: undefined,
    logs,
    stderr: '',
    exited: new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    ),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`service not ready in ${readyTimeoutMs} ms:\n${service.stderr}`)),
      readyTimeoutMs,
    );
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim() === '') continue;
        keepLogLine(line);
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'embedded PostgreSQL ready') service.databasePort = entry.port as number;
        if (entry.msg === 'Meetinghouse is listening') {
          service.port = entry.port as number;
          clearTimeout(timer);
          resolve(service);
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      service.stderr += chunk.toString('utf8');
      keepLogLine(chunk.toString('utf8'));
    });
    void service.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(
          `service exited during start-up (code ${code}, signal ${signal}):\n${service.stderr}`,
        ),
      );
    });
  });
}

/** A superuser client on the embedded server that a service under DATA_DIR runs. */
export async function embeddedClient(dataDir: string, port: number): Promise<pg.Client> {
  const password = (await readFile(join(dataDir, 'pg.password'), 'utf8')).trim();
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    database: 'meetinghouse',
  });
  await client.connect();
  return client;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
}
