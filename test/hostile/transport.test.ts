/**
 * Hostile input below the API: bytes that are not HTTP, and WebSocket frames that are not UTF-8.
 *
 * - A request Node cannot parse used to get a bare `400` with no body (Node's default), the one
 *   4xx without the contract's `{ error: { code } }`; it now gets that shape too.
 * - A WebSocket text frame that is not UTF-8 breaks the WebSocket protocol itself (RFC 6455 §8.1:
 *   the endpoint must fail the connection, close code 1007): that one connection ends, nobody
 *   else notices, and the server carries on.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { startTestApp, type TestApp } from '../support/app.js';
import { login } from '../support/http.js';
import { emitAck } from '../support/sockets.js';
import {
  createRoom,
  disconnected,
  joinAs,
  lacksMember,
  messageArrives,
  ROOMS_ENV,
  sendOk,
  SocketJar,
  waitForPresence,
} from '../rooms/room-fixtures.js';
import { INVALID_UTF8 } from './hostile-values.js';

/** Writes `bytes` on a fresh TCP connection and returns everything the server sends back. */
function rawExchange(baseUrl: string, bytes: Buffer | string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
  });
}

function parseAnswer(raw: string): { status: number; contentType: string; body: unknown } {
  const [head = '', body = ''] = raw.split('\r\n\r\n', 2);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const contentType = /\r\ncontent-type: ([^\r]*)/i.exec(head)?.[1] ?? '';
  return { status, contentType, body: JSON.parse(body) as unknown };
}

describe('hostile bytes below the API', () => {
  let t: TestApp;
  const jar = new SocketJar();

  beforeAll(async () => {
    t = await startTestApp({ env: ROOMS_ENV });
  });

  afterAll(async () => {
    jar.closeAll();
    await t.close();
  });

  test.each([
    ['bytes that are not HTTP', 'GARBAGE \u0000\u00ff\r\n\r\n', 400],
    [
      'a bad Content-Length',
      'POST /api/v1/rooms HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n',
      400,
    ],
    [
      'a body after Connection: close with no framing',
      'GET /api/v1/meetings HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n{"q":"x"}',
      400,
    ],
    [
      'a bad chunk size',
      'POST /api/v1/rooms HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      400,
    ],
    [
      'headers over 16 KB',
      `GET /api/v1/meetings HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
    ],
  ])(
    '%s: %i with { error: { code: VALIDATION_FAILED } }, then the server answers as usual',
    async (_label, bytes, status) => {
      const raw = await rawExchange(t.baseUrl, bytes);
      // A request that parsed (the GET before the stray body) is answered first, as usual.
      const last = raw.slice(raw.lastIndexOf('HTTP/1.1 '));
      const answer = parseAnswer(last);
      expect(answer).toEqual({
        status,
        contentType: 'application/json; charset=utf-8',
        body: {
          error: { code: 'VALIDATION_FAILED', message: expect.any(String) as string, details: [] },
        },
      });
      const health = await fetch(`${t.baseUrl}/health`);
      expect(health.status).toBe(200);
    },
  );

  test('a WebSocket text frame that is not UTF-8 ends that connection only; the room carries on', async () => {
    const admin = await login(t);
    const roomId = (await createRoom(t, admin)).id;
    const bystander = await joinAs(t, jar, roomId, 'Bystander');
    const speaker = await joinAs(t, jar, roomId, 'Speaker');
    for (const bytes of INVALID_UTF8.slice(0, 4)) {
      const prober = await joinAs(t, jar, roomId, `Prober ${randomUUID().slice(0, 6)}`);
      const gone = waitForPresence(bystander.socket, roomId, lacksMember(prober.self.memberId));
      const closed = disconnected(prober.socket);
      // The engine's own WebSocket: socket.io-client would never send bytes that are not UTF-8.
      const ws = (
        prober.socket.io.engine.transport as unknown as {
          ws: { send(data: Buffer, options: { binary: boolean }): void };
        }
      ).ws;
      const frame = Buffer.concat([
        Buffer.from(
          `42/rooms,["message:send",{"roomId":"${roomId}","clientId":"${randomUUID()}","body":"`,
        ),
        Buffer.from(bytes),
        Buffer.from('"}]'),
      ]);
      ws.send(frame, { binary: false });
      expect(await closed).toMatch(/transport (close|error)/);
      await gone;
    }
    expect(bystander.socket.connected && speaker.socket.connected).toBe(true);
    const heard = messageArrives(bystander.socket, 'still here');
    await sendOk(speaker.socket, roomId, 'still here');
    await heard;
    const history = await emitAck<{ messages: { body: string }[] }>(
      bystander.socket,
      'message:history',
      { roomId },
    );
    // Nothing of the broken frames was stored: only the message sent afterwards.
    expect(history.data?.messages.map((m) => m.body)).toEqual(['still here']);
  });
});
