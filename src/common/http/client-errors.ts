import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** A request Node could not even parse: which answer it gets, in the contract's error shape. */
function answerFor(code: string | undefined): { status: number; reason: string; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        message: 'Request headers are too large',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        reason: 'Payload Too Large',
        message: 'Chunk extensions are too large',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        message: 'The request did not arrive in time',
      };
    default:
      return { status: 400, reason: 'Bad Request', message: 'The request is not valid HTTP' };
  }
}

/**
 * Node answers a request it cannot parse (bytes that are not HTTP, a body with no framing, data
 * after `Connection: close`) with a bare 400 and no body, before any of our code runs. This
 * answers it in the same `{ error: { code } }` shape as everything else, then closes.
 */
export function answerUnparseableRequests(server: Server): void {
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    // Node's own check: a response already under way must not be corrupted by another.
    const inFlight = (socket as Duplex & { _httpMessage?: { _headerSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?._headerSent === true) {
      socket.destroy();
      return;
    }
    const { status, reason, message } = answerFor(err.code);
    const body = JSON.stringify({ error: { code: 'VALIDATION_FAILED', message, details: [] } });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
