import {
  REDACTION_PLACEHOLDERS,
  redactPersonalInfo,
  type RedactionKind,
} from '../../src/rooms/safety/redaction.js';
import { MUST_PASS, MUST_REDACT } from './safety-corpus.js';

/** Placeholders never occur in the inputs, so the expected count can be read off the text. */
function placeholderCount(text: string): number {
  return Object.values(REDACTION_PLACEHOLDERS).reduce(
    (total, placeholder) => total + text.split(placeholder).length - 1,
    0,
  );
}

describe('redactPersonalInfo', () => {
  it('has a corpus of at least 40 cases each way', () => {
    expect(MUST_REDACT.length).toBeGreaterThanOrEqual(40);
    expect(MUST_PASS.length).toBeGreaterThanOrEqual(40);
    expect(MUST_REDACT.length + MUST_PASS.length).toBeGreaterThanOrEqual(100);
  });

  describe('redacts contact details', () => {
    it.each(MUST_REDACT)('$input', ({ input, text, kinds }) => {
      expect(redactPersonalInfo(input)).toEqual({
        text,
        redacted: kinds,
        count: placeholderCount(text),
      });
    });
  });

  describe('keeps ordinary recovery talk unchanged', () => {
    it.each(MUST_PASS)('%s', (input) => {
      expect(redactPersonalInfo(input)).toEqual({ text: input, redacted: [], count: 0 });
    });
  });

  it('uses the documented placeholders', () => {
    expect(REDACTION_PLACEHOLDERS).toEqual({
      phone: '[phone removed]',
      email: '[email removed]',
      url: '[link removed]',
      handle: '[handle removed]',
    });
  });

  it('lists each kind once, in a stable order, and counts every match', () => {
    const result = redactPersonalInfo('@b then a@example.com then 555-123-4567 then @c then x.com');
    expect(result).toEqual({
      text: '[handle removed] then [email removed] then [phone removed] then [handle removed] then [link removed]',
      redacted: ['phone', 'email', 'url', 'handle'] satisfies RedactionKind[],
      count: 5,
    });
  });

  it('is idempotent: redacting redacted text changes nothing', () => {
    for (const { text } of MUST_REDACT) {
      expect(redactPersonalInfo(text)).toEqual({ text, redacted: [], count: 0 });
    }
  });

  it('handles an empty message', () => {
    expect(redactPersonalInfo('')).toEqual({ text: '', redacted: [], count: 0 });
  });

  describe('returns on 100 KB of adversarial input', () => {
    const SIZE = 100_000;
    const fill = (unit: string): string =>
      unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
    let seed = 7;
    const noise = Array.from({ length: SIZE }, () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return "a1.@-/ :[]()+#x_$'"[seed % 18];
    }).join('');

    it.each([
      ['letters', fill('a')],
      ['digits', fill('1')],
      ['dotted labels', fill('a.')],
      ['at signs inside words', fill('a@')],
      ['handles', fill('@a')],
      ['dashed digits', fill('1-')],
      ['spaced digits', fill('1 ')],
      ['spelled at', fill('a at ')],
      ['spelled dot', fill('a dot ')],
      ['spelled at and dot', fill('a at a dot ')],
      ['bracketed at and dot', fill('a [at] b [dot] ')],
      ['schemes', fill('http://')],
      ['www', fill('www.')],
      ['plus signs', fill('+1 ')],
      ['platform cues', fill('snap: ')],
      ['contact cues', fill('call 5')],
      ['parentheses', fill('(')],
      ['hyphens', fill('a-')],
      ['paths', fill('x.com/')],
      ['random noise', noise],
    ])('%s', (_name, input) => {
      expect(typeof redactPersonalInfo(input).text).toBe('string');
    });
  });
});
