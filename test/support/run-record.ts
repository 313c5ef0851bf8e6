import { randomUUID } from 'node:crypto';
import { openSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * The anonymity audit of a whole test run (global-teardown.ts). Each test file writes two files
 * into the run's directory, made by global-setup.ts: every log line that any service it started
 * wrote (in process or as a child process), and every secret or piece of participant content
 * that the test helpers handed to a service. At the end of the run, no log line may contain any
 * of them. Files, not memory: test files run in separate workers.
 */
export type SecretKind =
  'token' | 'password' | 'handle' | 'body' | 'name' | 'reason' | 'client-address' | 'user-agent';

/** Sent by the test clients as if a proxy had put them there: they must never be logged. */
export const CANARY_CLIENT_ADDRESS = '203.0.113.77';
export const CANARY_USER_AGENT = 'MeetinghouseTestClient/4.2 (ua-canary-7f3e9b)';
export const CANARY_HEADERS: Readonly<Record<string, string>> = {
  'user-agent': CANARY_USER_AGENT,
  'x-forwarded-for': CANARY_CLIENT_ADDRESS,
  'x-real-ip': CANARY_CLIENT_ADDRESS,
};

const RUN_DIR = process.env.MEETINGHOUSE_TEST_RUN_DIR;

interface Outputs {
  logs: number;
  secrets: number;
}

let outputs: Outputs | undefined;
const seen = new Set<string>();
const recorded: { kind: SecretKind; value: string }[] = [];

function open(): Outputs | undefined {
  if (RUN_DIR === undefined) return undefined;
  if (outputs === undefined) {
    const state = (
      globalThis as { expect?: { getState(): { testPath?: string | undefined } } }
    ).expect?.getState();
    const stem = `${basename(state?.testPath ?? 'unknown')}.${process.pid}.${randomUUID().slice(0, 8)}`;
    outputs = {
      logs: openSync(join(RUN_DIR, `${stem}.logs.jsonl`), 'a'),
      secrets: openSync(join(RUN_DIR, `${stem}.secrets.jsonl`), 'a'),
    };
  }
  return outputs;
}

/** Keeps one line a service wrote (JSON lines as they are; anything else wrapped). */
export function keepLogLine(line: string): void {
  const files = open();
  if (files === undefined || line.trim() === '') return;
  const text = line.trimStart().startsWith('{') ? line.trim() : JSON.stringify({ raw: line });
  writeSync(files.logs, `${text}\n`);
}

export function recordSecret(kind: SecretKind, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') return;
  const key = `${kind}\u0000${value}`;
  if (seen.has(key)) return;
  seen.add(key);
  recorded.push({ kind, value });
  const files = open();
  if (files !== undefined) writeSync(files.secrets, `${JSON.stringify({ kind, value })}\n`);
}

/** What a client sends in a room that is participant content (CONTRACT.md §3). */
export function recordOutgoing(event: string, payload: unknown): void {
  if (typeof payload !== 'object' || payload === null) return;
  const fields = payload as Record<string, unknown>;
  if (event === 'room:join') recordSecret('handle', fields.handle);
  if (event === 'message:send') recordSecret('body', fields.body);
  if (event === 'attendance:certificate') recordSecret('name', fields.nameOnCertificate);
  if (event === 'message:report' || event.startsWith('mod:')) recordSecret('reason', fields.reason);
}

/** What this test file has recorded so far (the helpers' side of the audit, for checking it). */
export function recordedSecrets(): readonly { kind: SecretKind; value: string }[] {
  return recorded;
}
