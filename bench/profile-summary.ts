/**
 * Summarizes a CPU profile of the service (node --cpu-prof, as written with BENCH_ROOMS_PROFILE or
 * BENCH_ABUSE_PROFILE): where the time went, by self time (function, then package or source file)
 * and by inclusive time of the service's own functions.
 *
 *   node dist/bench/profile-summary.js <profile dir or .cpuprofile file> [--top N] [--all]
 *     [--inclusive-all]  (inclusive time of every function, libraries' too)
 *
 * A directory holds the newest .cpuprofile in it. When the benchmark left a window.json there
 * (its measured period, on the monotonic clock that V8's profiler uses as well) only the samples
 * inside that window count, so start-up, joins and shutdown do not blur the steady state; --all
 * counts every sample.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The measured period, in microseconds of the monotonic clock. */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

function newestProfile(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const files = readdirSync(path)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(path, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (files[0] === undefined) throw new Error(`no .cpuprofile in ${path}`);
  return files[0];
}

/** Short, stable names: our files relative to src/, packages by name. */
function place(url: string): string {
  if (url === '') return '';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (pkg !== null) return `${pkg[1]}/${pkg[2]}`;
  const own = /\/dist\/((?:src|bench)\/.*)$/.exec(url);
  if (own !== null) return own[1] ?? url;
  return url.replace(/^file:\/\//, '');
}

function group(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg !== null) return pkg[1] ?? url;
  const own = /\/dist\/((?:src|bench)\/.*)$/.exec(url);
  if (own !== null) return own[1] ?? url;
  if (url.startsWith('node:')) return 'node:internal';
  return url;
}

function isOwn(url: string): boolean {
  return /\/dist\/src\//.test(url) && !url.includes('node_modules');
}

function key(frame: CallFrame): string {
  const where = place(frame.url);
  return `${frame.functionName || '(anonymous)'}${where === '' ? '' : ` ${where}:${frame.lineNumber + 1}`}`;
}

function top(map: Map<string, number>, n: number, total: number): string {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([name, us]) =>
        `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`,
    )
    .join('\n');
}

export function summarizeProfile(
  path: string,
  options: { top?: number; all?: boolean; everything?: boolean } = {},
): string {
  const file = newestProfile(path);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  let window: ProfileWindow | undefined;
  if (options.all !== true && statSync(path).isDirectory()) {
    try {
      window = JSON.parse(readFileSync(join(path, 'window.json'), 'utf8')) as ProfileWindow;
    } catch {
      window = undefined;
    }
  }
  const n = options.top ?? 30;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  // Distinct function keys on each node's stack, so recursion is counted once.
  const stacks = new Map<number, string[]>();
  const stackOf = (id: number): string[] => {
    const known = stacks.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const up = parent.get(id);
    const above = up === undefined ? [] : stackOf(up);
    const k = node === undefined ? '?' : key(node.callFrame);
    const stack = above.includes(k) ? above : [...above, k];
    stacks.set(id, stack);
    return stack;
  };
  const ownKeys = new Set(
    profile.nodes.filter((n) => isOwn(n.callFrame.url)).map((n) => key(n.callFrame)),
  );

  const self = new Map<string, number>();
  const groups = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const inclusiveAll = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    // Each sample stands for the time until the next one.
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (window !== undefined && (at < window.fromUs || at > window.toUs)) continue;
    const id = profile.samples[i] as number;
    const node = byId.get(id);
    if (node === undefined) continue;
    if (node.callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const k = key(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + us);
    const g = group(node.callFrame.url, node.callFrame.functionName);
    groups.set(g, (groups.get(g) ?? 0) + us);
    for (const s of stackOf(id)) {
      inclusiveAll.set(s, (inclusiveAll.get(s) ?? 0) + us);
      if (ownKeys.has(s)) inclusive.set(s, (inclusive.get(s) ?? 0) + us);
    }
  }
  return [
    `profile: ${file}${window === undefined ? ' (all samples)' : ' (measured window only)'}`,
    `busy: ${(total / 1000).toFixed(0)} ms, idle: ${(idle / 1000).toFixed(0)} ms`,
    '',
    '## self time by function',
    top(self, n, total),
    '',
    '## self time by package or source file',
    top(groups, n, total),
    '',
    '## inclusive time of our own functions',
    top(inclusive, n, total),
    '',
    ...(options.everything === true
      ? ['## inclusive time of every function', top(inclusiveAll, n * 3, total), '']
      : []),
  ].join('\n');
}

if (process.argv[1]?.endsWith('profile-summary.js') === true) {
  const args = process.argv.slice(2);
  const path = args.find((a) => !a.startsWith('--'));
  if (path === undefined) {
    process.stderr.write('usage: profile-summary <dir or .cpuprofile> [--top N] [--all]\n');
    process.exit(2);
  }
  const topAt = args.indexOf('--top');
  process.stdout.write(
    summarizeProfile(path, {
      top: topAt >= 0 ? Number(args[topAt + 1]) : 30,
      all: args.includes('--all'),
      everything: args.includes('--inclusive-all'),
    }),
  );
}
