import { DomainError } from '../../common/errors/domain-error.js';

const TIMEOUT_MS = 20_000;

/**
 * Downloads an import's payload. Admin-only, but still bounded: http(s) only, a time limit, and
 * a size cap enforced while reading, so a huge or endless response cannot exhaust memory.
 */
export async function fetchImportSource(url: string, maxBytes: number): Promise<string> {
  const fail = (message: string): DomainError =>
    new DomainError('VALIDATION_FAILED', message, [{ field: 'url', message }]);
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw fail('url must be http(s)');
  let response: Response;
  try {
    response = await fetch(parsed, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' });
  } catch (err) {
    throw fail(
      `could not fetch url: ${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message}`,
    );
  }
  if (!response.ok) throw fail(`fetching url answered HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new DomainError(
      'VALIDATION_FAILED',
      `The document at url is larger than ${maxBytes} bytes`,
      [],
      413,
    );
  }
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new DomainError(
        'VALIDATION_FAILED',
        `The document at url is larger than ${maxBytes} bytes`,
        [],
        413,
      );
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw fail('the document at url is not UTF-8 text');
  }
}
