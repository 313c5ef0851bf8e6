/**
 * message:send payloads have a fast check (registerPlainValidation) in front of class-validator.
 * It must accept nothing class-validator refuses and produce the very DTO the pipe makes; on
 * anything else it steps aside, so the errors are class-validator's as before.
 */
import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { plainValidationOf, VALIDATION_OPTIONS } from '../../src/common/validation.js';
import { SendMessageDto } from '../../src/rooms/dto/room-event.dto.js';
import { wsValidationPipe } from '../../src/rooms/realtime/ws-errors.js';

const ROOM = '3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e';
const CLIENT = '0e1d2c3b-4a59-4867-a564-738291a0b1c2';
const META: ArgumentMetadata = { type: 'body', metatype: SendMessageDto };

/** class-validator alone, with the service's options. */
const reference = new ValidationPipe(VALIDATION_OPTIONS);

class Payload {
  roomId = ROOM;
  clientId = CLIENT;
  body = 'hi';
}
const nullPrototype = Object.assign(Object.create(null) as object, {
  roomId: ROOM,
  clientId: CLIENT,
  body: 'hi',
});

const SAMPLES: [string, unknown][] = [
  ['plain', { roomId: ROOM, clientId: CLIENT, body: 'Thanks for sharing' }],
  ['fields in another order', { body: 'x', clientId: CLIENT, roomId: ROOM }],
  ['room id in capitals', { roomId: ROOM.toUpperCase(), clientId: CLIENT, body: 'x' }],
  ['client id in capitals', { roomId: ROOM, clientId: CLIENT.toUpperCase(), body: 'x' }],
  ['nil UUID', { roomId: '00000000-0000-0000-0000-000000000000', clientId: CLIENT, body: 'x' }],
  ['max UUID', { roomId: ROOM, clientId: 'ffffffff-ffff-ffff-ffff-ffffffffffff', body: 'x' }],
  ['UUID version 0', { roomId: ROOM.replace('-4b6c', '-0b6c'), clientId: CLIENT, body: 'x' }],
  ['UUID variant c', { roomId: ROOM, clientId: CLIENT.replace('-a564', '-c564'), body: 'x' }],
  ['UUID without dashes', { roomId: ROOM.replaceAll('-', ''), clientId: CLIENT, body: 'x' }],
  ['UUID with spaces', { roomId: ` ${ROOM}`, clientId: CLIENT, body: 'x' }],
  ['empty body', { roomId: ROOM, clientId: CLIENT, body: '' }],
  ['one character', { roomId: ROOM, clientId: CLIENT, body: '.' }],
  ['2000 characters', { roomId: ROOM, clientId: CLIENT, body: 'a'.repeat(2000) }],
  ['2001 characters', { roomId: ROOM, clientId: CLIENT, body: 'a'.repeat(2001) }],
  ['1001 emoji (2002 code units)', { roomId: ROOM, clientId: CLIENT, body: '😀'.repeat(1001) }],
  ['one emoji', { roomId: ROOM, clientId: CLIENT, body: '😀' }],
  ['only a variation selector', { roomId: ROOM, clientId: CLIENT, body: '\uFE0F' }],
  ['with variation selectors', { roomId: ROOM, clientId: CLIENT, body: '❤\uFE0F'.repeat(1001) }],
  ['lone surrogate', { roomId: ROOM, clientId: CLIENT, body: '\uD83D' }],
  ['body a number', { roomId: ROOM, clientId: CLIENT, body: 7 }],
  ['body an array', { roomId: ROOM, clientId: CLIENT, body: ['hi'] }],
  ['room id a number', { roomId: 1, clientId: CLIENT, body: 'x' }],
  ['missing body', { roomId: ROOM, clientId: CLIENT }],
  ['extra field', { roomId: ROOM, clientId: CLIENT, body: 'x', pinned: true }],
  ['body undefined', { roomId: ROOM, clientId: CLIENT, body: undefined }],
  ['a class instance', new Payload()],
  ['no prototype', nullPrototype],
  ['constructor key', JSON.parse(`{"roomId":"${ROOM}","clientId":"${CLIENT}","constructor":1}`)],
  ['null', null],
  ['a string', 'hello'],
  ['an array', [ROOM, CLIENT, 'x']],
];

async function outcome(
  pipe: { transform(value: unknown, metadata: ArgumentMetadata): unknown },
  value: unknown,
): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: await pipe.transform(value, META) };
  } catch {
    return { ok: false };
  }
}

describe('message:send validation: the fast check agrees with class-validator', () => {
  const fast = plainValidationOf(SendMessageDto);

  test('the fast check is registered and takes the plain case', () => {
    expect(fast?.({ roomId: ROOM, clientId: CLIENT, body: 'hi' })).toBeInstanceOf(SendMessageDto);
  });

  test('a DTO the global pipe made is taken as it is by the gateway’s', async () => {
    const dto: unknown = await wsValidationPipe.transform(
      { roomId: ROOM, clientId: CLIENT, body: 'x' },
      META,
    );
    expect(fast?.(dto)).toEqual(dto);
    expect(fast?.(dto)).toBeInstanceOf(SendMessageDto);
  });

  test.each(SAMPLES)('%s', async (_name, value) => {
    const expected = await outcome(reference, value);
    const taken = fast?.(value);
    if (!expected.ok) expect(taken).toBeUndefined();
    if (taken !== undefined) {
      expect(taken).toBeInstanceOf(SendMessageDto);
      expect(taken).toEqual(expected.ok ? expected.value : 'refused by class-validator');
    }
    // And the service's pipe as a whole answers as class-validator does (refusing more only
    // where StrictValidationPipe refuses inherited names).
    const actual = await outcome(wsValidationPipe, value);
    if (expected.ok) expect(actual).toEqual(expected);
    else expect(actual.ok).toBe(false);
  });
});
