// What the browser keeps: a participant's token (localStorage, nothing else about them) and a
// facilitator's access token (sessionStorage: gone when the tab closes).
import { api } from './api.js';
import type { Account, LoginResponse, ParticipantToken } from './types.js';

const TOKEN_KEY = 'mh.participantToken';
const EXPIRY_KEY = 'mh.participantTokenExpiresAt';
const STAFF_KEY = 'mh.facilitatorSession';
const REFRESH_WITHIN_MS = 24 * 3600 * 1000;

function read(storage: Storage, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}

function write(storage: Storage, key: string, value: string | null): void {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
  } catch {
    // Private mode or storage off: the token lives for this page only.
  }
}

let memoryToken: ParticipantToken | null = null;

function save(t: ParticipantToken): string {
  memoryToken = t;
  write(localStorage, TOKEN_KEY, t.token);
  write(localStorage, EXPIRY_KEY, t.expiresAt);
  return t.token;
}

export function forgetParticipantToken(): void {
  memoryToken = null;
  write(localStorage, TOKEN_KEY, null);
  write(localStorage, EXPIRY_KEY, null);
}

/** A usable participant token: the saved one, refreshed when close to expiry, or a new one. */
export async function participantToken(): Promise<string> {
  const token = read(localStorage, TOKEN_KEY) ?? memoryToken?.token ?? null;
  const expires = Date.parse(read(localStorage, EXPIRY_KEY) ?? memoryToken?.expiresAt ?? '');
  if (token && (Number.isNaN(expires) || expires > Date.now() + REFRESH_WITHIN_MS)) return token;
  if (token && expires > Date.now() + 60000) {
    try {
      return save(await api<ParticipantToken>('/participants/refresh', { method: 'POST', token }));
    } catch {
      // Fall through to a new identity.
    }
  }
  return save(await api<ParticipantToken>('/participants', { method: 'POST' }));
}

export interface StaffSession {
  accessToken: string;
  expiresAt: number;
  account: Account;
}

export function staffSession(): StaffSession | null {
  const raw = read(sessionStorage, STAFF_KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as StaffSession;
    if (s.expiresAt > Date.now() + 5000) return s;
  } catch {
    // ignore
  }
  write(sessionStorage, STAFF_KEY, null);
  return null;
}

export async function signIn(email: string, password: string): Promise<StaffSession> {
  const res = await api<LoginResponse>('/auth/login', {
    method: 'POST',
    body: { email, password },
  });
  const s: StaffSession = {
    accessToken: res.accessToken,
    expiresAt: Date.now() + res.expiresIn * 1000,
    account: res.account,
  };
  write(sessionStorage, STAFF_KEY, JSON.stringify(s));
  return s;
}

export function signOut(): void {
  write(sessionStorage, STAFF_KEY, null);
}
