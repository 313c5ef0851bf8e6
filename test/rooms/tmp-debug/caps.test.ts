import { startTestApp, type TestApp } from '../../support/app.js';
import { api, login } from '../../support/http.js';
import { emitAck } from '../../support/sockets.js';
import { createRoom, joinAs, recordAll, ROOMS_ENV, SocketJar, sleep } from '../room-fixtures.js';

test('debug', async () => {
  const t: TestApp = await startTestApp({ env: ROOMS_ENV });
  const jar = new SocketJar();
  const admin = await login(t);
  for (let i = 0; i < 3; i++) {
    const room = await createRoom(t, admin);
    const a = await joinAs(t, jar, room.id, 'Ash');
    const seen = recordAll(a.socket);
    const res = await api(t, 'PATCH', `/rooms/${room.id}`, { token: admin, body: { status: 'closed' } });
    await sleep(500);
    console.log(res.status, JSON.stringify(seen.map((s) => s[0])), JSON.stringify(await emitAck(a.socket, 'room:sync', { roomId: room.id, afterSeq: 0 })));
  }
  jar.closeAll();
  await t.close();
});
