import { readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pg from 'pg';

/** Runs outside Jest's module system, like global-setup.ts: only packages may be imported. */
export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.MEETINGHOUSE_TEST_ADMIN_URL;
  const templateUrl = process.env.MEETINGHOUSE_TEST_TEMPLATE_URL;
  const server = globalThis.__MEETINGHOUSE_EMBEDDED__;
  if (server !== undefined) {
    // The whole server goes, and every test database with it.
    await server.stop();
    await rm(dirname(server.clusterDir), { recursive: true, force: true });
  } else if (adminUrl !== undefined && templateUrl !== undefined) {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    const name = decodeURIComponent(new URL(templateUrl).pathname.slice(1));
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    await client.end();
  }
  const runDir = process.env.MEETINGHOUSE_TEST_RUN_DIR;
  if (runDir !== undefined) process.stdout.write(`${await auditRunDirectory(runDir)}\n`);
}

// The anonymity audit of the whole run (what test/support/run-record.ts collects). It lives
// here because this file cannot import the project's TypeScript files.

export interface RecordedSecret {
  kind: string;
  value: string;
  /** The test file that used it: a short secret is looked for in that file's logs only. */
  file?: string;
}

export interface Leak {
  /** The log file (named after the test file that wrote it). */
  file: string;
  kind: string;
  /** The secret, shortened so that a report does not print it whole. */
  secret: string;
  /** Where in the log line: a field path, or the field name itself for a forbidden field. */
  field: string;
  msg: string;
}

/** Below this length a string can occur by chance inside other text: it must be a whole value. */
const SUBSTRING_MIN = 12;
const EXACT_MIN = 3;
/** Fields the logger fills from the server's own state, never from what a client sent. */
const SERVER_FIELDS = new Set(['time', 'level', 'context', 'method', 'route', 'status']);
/** Field names that would mean a client's identity or content was logged outright. */
const FORBIDDEN_FIELDS =
  /^(ip|ips|ipaddress|clientip|remoteaddress|remoteaddr|x-forwarded-for|forwardedfor|x-real-ip|useragent|user-agent|authorization|cookie|token|accesstoken|password|handle|body|email|phone|nameoncertificate|fingerprint)$/i;

function shorten(value: string): string {
  return value.length <= 8 ? value : `${value.slice(0, 6)}… (${value.length} chars)`;
}

/** Every string in a parsed log line with its field path (keys included, as values of `#key`). */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* strings(item, `${path}[${i}]`);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const child = path === '' ? key : `${path}.${key}`;
      yield [`${child}#key`, key];
      yield* strings(item, child);
    }
  }
}

/**
 * The log lines that contain a recorded secret (tokens, passwords, handles, message bodies,
 * names, report reasons, the canary client address and user agent) or a field whose very name
 * says it holds one. Long secrets are found anywhere in any value, in every file's logs; short
 * ones only as a whole value in their own file's logs, where a coincidence is unlikely.
 */
export function findLeaks(
  lines: Iterable<{ file: string; line: string }>,
  secrets: Iterable<RecordedSecret>,
): Leak[] {
  const long = new Map<string, RecordedSecret[]>();
  const short = new Map<string, RecordedSecret[]>();
  for (const secret of secrets) {
    const value = secret.value.trim();
    if (value.length >= SUBSTRING_MIN) {
      const key = value.slice(0, SUBSTRING_MIN);
      long.set(key, [...(long.get(key) ?? []), { kind: secret.kind, value }]);
    } else if (value.length >= EXACT_MIN) {
      short.set(value, [...(short.get(value) ?? []), { ...secret, value }]);
    }
  }
  const leaks: Leak[] = [];
  for (const { file, line } of lines) {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = { raw: line };
    }
    const logged = (entry as { msg?: unknown }).msg;
    const msg = typeof logged === 'string' ? logged : '(not a JSON log line)';
    const found = (kind: string, secret: string, field: string): void => {
      const shown = msg.split(secret).join(shorten(secret)).slice(0, 120);
      leaks.push({ file, kind, secret: shorten(secret), field, msg: shown });
    };
    for (const [field, text] of strings(entry, '')) {
      if (field.endsWith('#key')) {
        if (FORBIDDEN_FIELDS.test(text)) found('field name', text, field.slice(0, -4));
        continue;
      }
      const name = field.split('.').at(-1) ?? field;
      if (!SERVER_FIELDS.has(name)) {
        // A short secret of another file is a coincidence there (a reason "test" in one file,
        // an import source "test" in another): only its own file's logs are held to it.
        const exact = (short.get(text.trim()) ?? []).find(
          (s) => s.file === undefined || s.file === file,
        );
        if (exact !== undefined) found(exact.kind, exact.value, field);
      }
      if (name === 'time' || name === 'level') continue;
      for (let i = 0; i + SUBSTRING_MIN <= text.length; i++) {
        const candidates = long.get(text.slice(i, i + SUBSTRING_MIN));
        for (const candidate of candidates ?? []) {
          if (text.startsWith(candidate.value, i)) found(candidate.kind, candidate.value, field);
        }
      }
    }
  }
  return leaks;
}

async function readJsonLines<T>(path: string): Promise<T[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/**
 * Fails the run (a throwing global teardown makes Jest exit non-zero) when any log line of any
 * test file contains any secret that any test file used. Across files on purpose: a token from
 * one file's app never reaches another's, but a handle or body may well be shared. Returns the
 * summary when all is clean (and removes the records); keeps the records when not.
 */
export async function auditRunDirectory(dir: string): Promise<string> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const secrets: RecordedSecret[] = [];
  const lines: { file: string; line: string }[] = [];
  for (const name of names) {
    if (name.endsWith('.secrets.jsonl')) {
      const file = name.replace(/\.\d+\.[0-9a-f]{8}\.secrets\.jsonl$/, '');
      for (const secret of await readJsonLines<RecordedSecret>(join(dir, name)))
        secrets.push({ ...secret, file });
    }
    if (name.endsWith('.logs.jsonl')) {
      const file = name.replace(/\.\d+\.[0-9a-f]{8}\.logs\.jsonl$/, '');
      for (const line of (await readFile(join(dir, name), 'utf8')).split('\n')) {
        if (line.trim() !== '') lines.push({ file, line });
      }
    }
  }
  const leaks = findLeaks(lines, secrets);
  const kinds = new Map<string, number>();
  for (const s of secrets) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
  const summary =
    `Anonymity audit: ${lines.length} log lines from ${new Set(lines.map((l) => l.file)).size} ` +
    `test files checked against ${secrets.length} secrets used ` +
    `(${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'})`;
  if (leaks.length === 0) {
    await rm(dir, { recursive: true, force: true });
    return `${summary}: nothing leaked.`;
  }
  const report = leaks
    .slice(0, 20)
    .map((l) => `  - ${l.file}: ${l.kind} ${l.secret} in field ${l.field} of "${l.msg}"`)
    .join('\n');
  throw new Error(
    `${summary}: ${leaks.length} leaks (the run's records are kept in ${dir}):\n${report}`,
  );
}
