// fetch wrapper for /api/v1 with the API's error shape: { error: { code, message, details } }.

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }
}

/** Plain words for the contract's error codes (REST and socket acks share them). */
const PLAIN: Record<string, string> = {
  NETWORK: "We couldn't reach Meetinghouse. Please check your connection and try again.",
  VALIDATION_FAILED: 'Something in the form needs a second look.',
  UNAUTHORIZED: 'Please sign in again.',
  FORBIDDEN: "You don't have permission to do that.",
  NOT_FOUND: "We couldn't find that. It may have been moved or removed.",
  ROOM_CLOSED: 'This room is closed right now.',
  ROOM_LOCKED: 'This room is locked to newcomers right now, or it is full.',
  WAITING_FOR_ADMISSION: 'A facilitator will let you in shortly.',
  NOT_IN_ROOM: 'You are not in the room yet. Please join first.',
  HANDLE_TAKEN: 'Someone here already uses that name. Please pick another one.',
  MUTED:
    'A facilitator has muted you for now, so your messages are not sent. You can keep reading.',
  BANNED: "You can't join this room.",
  SLOW_MODE: 'The room is in slow mode. Please wait a little before sending again.',
  RATE_LIMITED: "That's a lot at once. Please wait a moment and try again.",
  CONFLICT: "That couldn't be done right now because things changed. Please try again.",
  INTERNAL: 'Something went wrong on our side. Please try again.',
  UNAVAILABLE: 'Meetinghouse is having trouble right now. Nothing was changed; please try again.',
  TIMEOUT: 'That took too long. Please check your connection and try again.',
};

/** Plain words for an error; keeps the server's message when it explains more (validation, bans). */
export function plainError(code: string, message?: string): string {
  const base = PLAIN[code] ?? PLAIN.INTERNAL!;
  if (message && (code === 'VALIDATION_FAILED' || code === 'BANNED' || code === 'FORBIDDEN')) {
    return `${base} (${message})`;
  }
  return base;
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return plainError(err.code, err.message);
  return PLAIN.INTERNAL!;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  token?: string | null;
  query?: Record<string, string | undefined> | URLSearchParams;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let url = '/api/v1' + path;
  if (options.query) {
    const qs =
      options.query instanceof URLSearchParams
        ? options.query
        : new URLSearchParams(
            Object.entries(options.query).filter((e): e is [string, string] => !!e[1]),
          );
    const s = qs.toString();
    if (s) url += '?' + s;
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError('NETWORK', 'Network error');
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; details?: unknown[] } } | null)
      ?.error;
    throw new ApiError(
      e?.code ?? (res.status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED'),
      e?.message ?? res.statusText,
      res.status,
      e?.details ?? [],
    );
  }
  return json as T;
}
