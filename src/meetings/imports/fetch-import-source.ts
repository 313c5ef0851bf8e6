import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { DomainError } from '../../common/errors/domain-error.js';
import {
  nonPublicReason,
  parseIp,
  rangeContains,
  embeddedIpv4,
  type IpAddress,
  type IpRange,
} from '../../common/network-address.js';

const TIMEOUT_MS = 20_000;
const MAX_REDIRECTS = 5;

export interface ImportFetchOptions {
  maxBytes: number;
  /** Non-public ranges the operator trusts as import sources (IMPORT_ALLOW_PRIVATE_NETWORKS). */
  allowedPrivate: IpRange[];
  timeoutMs?: number;
}

function fail(message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', message, [{ field: 'url', message }]);
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError(
    'VALIDATION_FAILED',
    `The document at url is larger than ${maxBytes} bytes`,
    [],
    413,
  );
}

/** Raised inside the socket's address lookup; carries the refusal out of the http machinery. */
class RefusedAddress extends Error {
  constructor(readonly refusal: DomainError) {
    super(refusal.message);
  }
}

function refusalFor(
  host: string,
  address: IpAddress,
  text: string,
  allowed: IpRange[],
): DomainError | undefined {
  const reason = nonPublicReason(address);
  if (reason === undefined) return undefined;
  const v4 = embeddedIpv4(address);
  if (allowed.some((r) => rangeContains(r, address) || (v4 !== undefined && rangeContains(r, v4))))
    return undefined;
  const where = host === text ? text : `${host} (${text})`;
  return fail(
    `url points to ${where}, a ${reason} address: imports are fetched from public addresses only`,
  );
}

/**
 * Resolves like the system resolver, then refuses the connection unless every address is public.
 * The socket connects to the address checked here, so a DNS answer that changes between a
 * check and the connection (rebinding) cannot slip a private address through.
 */
function guardedLookup(allowed: IpRange[]): LookupFunction {
  type Done = (
    err: NodeJS.ErrnoException | null,
    address: string | LookupAddress[],
    family?: number,
  ) => void;
  const lookup = (
    hostname: string,
    options: { all?: boolean; family?: number },
    done: Done,
  ): void => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses) => {
      if (err !== null) return done(err, []);
      for (const { address } of addresses) {
        const parsed = parseIp(address);
        const refusal =
          parsed === undefined
            ? fail(`url's host ${hostname} resolved to an unreadable address`)
            : refusalFor(hostname, parsed, address, allowed);
        if (refusal !== undefined) return done(new RefusedAddress(refusal), []);
      }
      const first = addresses[0];
      if (first === undefined) return done(new Error(`${hostname} has no address`), []);
      if (options.all === true) return done(null, addresses);
      return done(null, first.address, first.family);
    });
  };
  return lookup as unknown as LookupFunction;
}

function target(text: string, allowed: IpRange[], redirected: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fail(redirected ? 'url redirects to something that is not a URL' : 'url is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw fail(redirected ? 'url redirects to a non-http(s) address' : 'url must be http(s)');
  if (url.username !== '' || url.password !== '')
    throw fail('url must not contain a user name or password');
  // An address literal never goes through the lookup, so it is checked here.
  const literal = parseIp(url.hostname);
  if (literal !== undefined) {
    const bare = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const refusal = refusalFor(bare, literal, bare, allowed);
    if (refusal !== undefined) throw refusal;
  }
  return url;
}

function get(url: URL, options: ImportFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, {
      // A fresh connection each time: a pooled one could lead somewhere not checked now.
      agent: false,
      lookup: guardedLookup(options.allowedPrivate),
      signal,
      headers: {
        accept: 'application/json, text/csv, text/plain;q=0.9, */*;q=0.8',
        'accept-encoding': 'gzip, deflate, br',
        'user-agent': 'Meetinghouse-import',
      },
    });
    request.once('response', resolve);
    // Not once: a later error (the connection dropping mid-body) must not go unhandled.
    request.on('error', reject);
  });
}

function describeFailure(err: unknown, signal: AbortSignal): DomainError {
  if (err instanceof RefusedAddress) return err.refusal;
  if (err instanceof DomainError && err.httpStatus === 413) return err;
  if (signal.aborted) return fail('could not fetch url: timed out');
  if (err instanceof DomainError) return err;
  return fail(`could not fetch url: ${(err as Error).message}`);
}

/** The body, decompressed, read up to maxBytes (counted after decompression: no zip bombs). */
async function readBody(response: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(response.headers['content-length'] ?? NaN);
  const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' && Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge(maxBytes);
  }
  let decoder: Transform | undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') decoder = createGunzip();
  else if (encoding === 'deflate') decoder = createInflate();
  else if (encoding === 'br') decoder = createBrotliDecompress();
  else if (encoding !== 'identity') {
    response.destroy();
    throw fail(`the document at url uses an unsupported encoding (${encoding})`);
  }
  // pipeline, not pipe: a connection that fails mid-body must fail the read, not stall it.
  const stream: Readable =
    decoder === undefined ? response : pipeline(response, decoder, () => undefined);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      size += buffer.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(buffer);
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw fail(`could not read the document at url: ${(err as Error).message}`);
  } finally {
    response.destroy();
    stream.destroy();
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw fail('the document at url is not UTF-8 text');
  }
}

/**
 * Downloads an import's payload. Admin-only, but a server that fetches URLs for its users is a
 * way into the network behind it, so: http(s) only, public addresses only (checked at connect
 * time and again for every redirect), a time limit, and a size cap enforced while reading.
 */
export async function fetchImportSource(url: string, options: ImportFetchOptions): Promise<string> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS);
  let current = target(url, options.allowedPrivate, false);
  for (let redirects = 0; ; redirects++) {
    let response: IncomingMessage;
    try {
      response = await get(current, options, signal);
    } catch (err) {
      throw describeFailure(err, signal);
    }
    const status = response.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status)) {
      response.destroy();
      const location = response.headers.location;
      if (location === undefined)
        throw fail(`fetching url answered HTTP ${status} with no Location`);
      if (redirects >= MAX_REDIRECTS) throw fail(`url redirects more than ${MAX_REDIRECTS} times`);
      let next: string;
      try {
        next = new URL(location, current).href;
      } catch {
        throw fail('url redirects to something that is not a URL');
      }
      current = target(next, options.allowedPrivate, true);
      continue;
    }
    if (status < 200 || status > 299) {
      response.destroy();
      throw fail(`fetching url answered HTTP ${status}`);
    }
    try {
      return await readBody(response, options.maxBytes);
    } catch (err) {
      throw describeFailure(err, signal);
    }
  }
}
