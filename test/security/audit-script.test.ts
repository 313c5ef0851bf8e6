/**
 * scripts/audit.mjs, the production dependency audit of SECURITY.md, judged on saved
 * `npm audit --json` reports (the registry's audit service cannot be reached from where the
 * tests run): it fails on a high or critical advisory unless SECURITY.md accepts it, ignores
 * lower severities, and never mistakes "the audit could not run" for "no advisories".
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = new URL('../../scripts/audit.mjs', import.meta.url).pathname;

function advisory(name: string, severity: string, ghsa: string) {
  return {
    name,
    severity,
    isDirect: true,
    via: [
      {
        source: 1100000,
        name,
        dependency: name,
        title: `A ${severity} problem in ${name}`,
        url: `https://github.com/advisories/${ghsa}`,
        severity,
        range: '<9.9.9',
      },
    ],
    effects: [],
    range: '<9.9.9',
    nodes: [`node_modules/${name}`],
    fixAvailable: true,
  };
}

function report(vulnerabilities: Record<string, unknown>) {
  const count = (severity: string) =>
    Object.values(vulnerabilities).filter((v) => (v as { severity: string }).severity === severity)
      .length;
  return {
    auditReportVersion: 2,
    vulnerabilities,
    metadata: {
      vulnerabilities: {
        info: 0,
        low: count('low'),
        moderate: count('moderate'),
        high: count('high'),
        critical: count('critical'),
        total: Object.keys(vulnerabilities).length,
      },
    },
  };
}

const SECURITY_WITH_ACCEPTANCE = `# Security

## Dependency audit

| advisory | package | severity | why it is accepted |
| --- | --- | --- | --- |
| GHSA-2222-3333-4444 | slowlib | high | only reachable from the migration CLI, never from a request |
`;

describe('scripts/audit.mjs', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meetinghouse-audit-'));
    await writeFile(join(dir, 'SECURITY.md'), SECURITY_WITH_ACCEPTANCE);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(saved: unknown, ...flags: string[]) {
    const file = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(saved));
    const result = spawnSync(
      process.execPath,
      [SCRIPT, '--report', file, '--security', join(dir, 'SECURITY.md'), ...flags],
      { encoding: 'utf8', timeout: 30_000 },
    );
    return { status: result.status, out: result.stdout };
  }

  it('fails on a high or critical advisory that SECURITY.md does not accept, naming it', async () => {
    const result = await run(
      report({
        fastjson: advisory('fastjson', 'critical', 'GHSA-9999-8888-7777'),
        slowlib: advisory('slowlib', 'high', 'GHSA-2222-3333-4444'),
      }),
    );
    expect(result.status).toBe(1);
    expect(result.out).toContain('fastjson: critical GHSA-9999-8888-7777');
    expect(result.out).not.toContain('slowlib:');
  });

  it('passes when every high advisory is accepted and the rest are moderate or low', async () => {
    const result = await run(
      report({
        slowlib: advisory('slowlib', 'high', 'GHSA-2222-3333-4444'),
        chatty: advisory('chatty', 'moderate', 'GHSA-5555-6666-7777'),
      }),
    );
    expect(result.status).toBe(0);
    expect(result.out).toMatch(/0 critical, 1 high, 1 moderate, 0 low; 1 accepted/);
  });

  it('says when the audit could not run, and fails unless told to tolerate that', async () => {
    const unavailable = {
      message:
        '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
      error: { summary: '', detail: '' },
    };
    const strict = await run(unavailable);
    expect(strict.status).toBe(2);
    expect(strict.out).toContain('npm audit could not be run: 405 Method Not Allowed');
    const tolerant = await run(unavailable, '--allow-unavailable');
    expect(tolerant.status).toBe(0);
    expect(tolerant.out).toContain('AUDIT NOT DONE');
  });
});
