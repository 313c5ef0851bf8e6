/**
 * The rooms benchmark's baseline: a bare Socket.IO server that only relays. No database, no
 * authentication, no validation, no redaction: the cost of Socket.IO itself, to compare with.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { transports: ['websocket'] });
const rooms = io.of('/rooms');
let seq = 0;

rooms.on('connection', (socket) => {
  socket.on('room:join', (payload: { roomId: string }, ack?: (reply: unknown) => void) => {
    void socket.join(`room:${payload.roomId}`);
    ack?.({ ok: true, data: {} });
  });
  socket.on(
    'message:send',
    (
      payload: { roomId: string; clientId: string; body: string },
      ack?: (reply: unknown) => void,
    ) => {
      const message = { ...payload, seq: ++seq, createdAt: new Date().toISOString() };
      socket.to(`room:${payload.roomId}`).emit('message:new', message);
      ack?.({ ok: true, data: message });
    },
  );
});

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(
    `${JSON.stringify({ msg: 'listening', port: typeof address === 'object' && address !== null ? address.port : 0 })}\n`,
  );
});
process.on('SIGTERM', () => {
  void io.close();
  http.close(() => process.exit(0));
});
