// The production dependency audit (SECURITY.md, "Dependency audit"): `npm audit --omit=dev`,
// failing on any high or critical advisory that SECURITY.md does not list as accepted.
//
//   node scripts/audit.mjs                      exit 1 on unaccepted advisories, 2 if npm's
//                                               audit service cannot be reached
//   node scripts/audit.mjs --allow-unavailable  the same, but an unreachable audit service is
//                                               reported and tolerated (exit 0)
//   --report FILE, --security FILE              read a saved `npm audit --json` report and another
//                                               SECURITY.md instead (for the script's own tests)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ROOT = new URL('../', import.meta.url);
const FAILING = new Set(['high', 'critical']);
const allowUnavailable = process.argv.includes('--allow-unavailable');

function option(name) {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

function say(line) {
  process.stdout.write(`${line}\n`);
}

/** Advisory ids (GHSA-…) in the table under "## Dependency audit" in SECURITY.md. */
function acceptedAdvisories() {
  const text = readFileSync(option('--security') ?? new URL('SECURITY.md', ROOT), 'utf8');
  const section = text.split(/^## Dependency audit$/m)[1] ?? '';
  return new Set(
    [...section.matchAll(/\bGHSA(?:-[23456789cfghjmpqrvwx]{4}){3}\b/g)].map((m) => m[0]),
  );
}

function runAudit() {
  const saved = option('--report');
  if (saved !== undefined) return { stdout: readFileSync(saved, 'utf8'), stderr: '' };
  return spawnSync('npm', ['audit', '--omit=dev', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

const audit = runAudit();
let report;
try {
  report = JSON.parse(audit.stdout);
} catch {
  report = undefined;
}

if (report === undefined || report.vulnerabilities === undefined) {
  const why = report?.message ?? audit.stderr.trim().split('\n').at(-1) ?? 'no answer';
  say(`npm audit could not be run: ${why}`);
  if (allowUnavailable) {
    say('AUDIT NOT DONE: the registry audit service is unavailable here; run it where it answers.');
    process.exit(0);
  }
  process.exit(2);
}

const accepted = acceptedAdvisories();
const problems = [];
for (const [name, vulnerability] of Object.entries(report.vulnerabilities)) {
  if (!FAILING.has(vulnerability.severity)) continue;
  const advisories = vulnerability.via.filter((via) => typeof via === 'object');
  // A package that is vulnerable only through another one is reported under that other one.
  for (const advisory of advisories) {
    if (!FAILING.has(advisory.severity)) continue;
    const id = /GHSA(?:-[a-z0-9]{4}){3}/.exec(advisory.url ?? '')?.[0] ?? String(advisory.source);
    if (!accepted.has(id)) problems.push(`${name}: ${advisory.severity} ${id} ${advisory.title}`);
  }
}

const counts = report.metadata?.vulnerabilities ?? {};
say(
  `npm audit --omit=dev: ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ` +
    `${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low; ${accepted.size} accepted in SECURITY.md`,
);
if (problems.length > 0) {
  say('High or critical advisories not accepted in SECURITY.md:');
  for (const problem of problems) say(`  - ${problem}`);
  process.exit(1);
}
say('No unaccepted high or critical advisory.');
