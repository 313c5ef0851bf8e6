import type { TestApp } from './app.js';
import { CANARY_HEADERS, recordSecret } from './run-record.js';

export const TEST_ADMIN = { email: 'admin@example.org', password: 'test-admin-password-1' };
/** Pass to startTestApp so that the first admin exists. */
export const ADMIN_ENV = { ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password };

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A JSON request against the test app; `path` is relative to the API base (/api/v1). */
export async function api<T = unknown>(
  t: TestApp,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...CANARY_HEADERS, ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${t.baseUrl}/api/v1${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text !== '')
    parsed = JSON.parse(text);
  recordSecrets(options.body, parsed);
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** Credentials the service handed out or was given: the run's log audit looks for them. */
function recordSecrets(request: unknown, response: unknown): void {
  recordSecret('client-address', CANARY_HEADERS['x-forwarded-for']);
  recordSecret('user-agent', CANARY_HEADERS['user-agent']);
  if (typeof request === 'object' && request !== null)
    recordSecret('password', (request as { password?: unknown }).password);
  if (typeof response === 'object' && response !== null) {
    const { token, accessToken } = response as { token?: unknown; accessToken?: unknown };
    recordSecret('token', token);
    recordSecret('token', accessToken);
  }
}

export async function login(
  t: TestApp,
  email = TEST_ADMIN.email,
  password = TEST_ADMIN.password,
): Promise<string> {
  const res = await api<{ accessToken: string }>(t, 'POST', '/auth/login', {
    body: { email, password },
  });
  if (res.status !== 200)
    throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}
