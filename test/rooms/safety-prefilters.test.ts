/**
 * The safety checks skip work that cannot find anything, and that must never skip a finding:
 * - each redaction pass skips texts in which its pattern cannot match (no digit, no "@"): the
 *   quick test must be a necessary condition, or a contact detail would slip through;
 * - crisis screening scans a clause once with all its rules' patterns combined, and runs the
 *   rules only where that matches: the combination must match exactly where one of them does.
 * Checked on the safety corpus, on texts built from the patterns' own pieces, and on random text.
 */
import fc from 'fast-check';
import { ANY_RULE, assessCrisis, RULE_PATTERNS } from '../../src/rooms/safety/crisis.js';
import { PASSES, redactPersonalInfo } from '../../src/rooms/safety/redaction.js';
import { CRISIS_NEGATIVE, CRISIS_POSITIVE, MUST_PASS, MUST_REDACT } from './safety-corpus.js';

function patternMatches(pattern: RegExp, text: string): boolean {
  return [...text.matchAll(pattern)].length > 0;
}

function checkNecessary(text: string): void {
  for (const pass of PASSES) {
    if (pass.mayMatch === undefined) continue;
    if (patternMatches(pass.pattern, text))
      expect({
        pass: String(pass.pattern).slice(0, 40),
        text,
        mayMatch: pass.mayMatch.test(text),
      }).toEqual({ pass: String(pass.pattern).slice(0, 40), text, mayMatch: true });
  }
}

/** Pieces the patterns are made of: cues, separators, brackets, digits, dots, "at", "dot". */
const PIECES = [
  'at',
  'AT',
  ' at ',
  '(at)',
  '[at]',
  '<at>',
  '{at}',
  ' dot ',
  '[dot]',
  '(.)',
  '.',
  '@',
  ' @ ',
  'gmail',
  'GMAIL',
  'com',
  'ORG',
  'me',
  'www',
  'WWW.',
  'http',
  'HTTPS',
  '://',
  '/',
  'u/',
  'U/',
  'r/',
  '+',
  '+1',
  '1',
  '0',
  '555',
  '123',
  '4567',
  '-',
  ' ',
  '\u00a0',
  '\t',
  '\n',
  'ext',
  'x',
  '#',
  ':',
  '=',
  'snap',
  'insta',
  'my',
  'is',
  'call',
  'text',
  'jane',
  'ſ',
  'K',
  'é',
  '日本',
  '😀',
  "'",
  '"',
  ')',
  ']',
  '}',
  '>',
  ',',
  '!',
];

describe('redaction: the quick test in front of each pattern never skips a match', () => {
  test('on the safety corpus', () => {
    for (const input of [...MUST_PASS, ...MUST_REDACT.map((c) => c.input)]) checkNecessary(input);
  });

  test('on texts built from the patterns’ own pieces', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }), (pieces) => {
        checkNecessary(pieces.join(''));
      }),
      { numRuns: 20_000 },
    );
  });

  test('on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        checkNecessary(text);
      }),
      { numRuns: 5_000 },
    );
  });

  test('redaction still finds what it found before', () => {
    expect(redactPersonalInfo('mail jane (at) example [dot] com or call 555-123-4567').text).toBe(
      'mail [email removed] or call [phone removed]',
    );
    expect(redactPersonalInfo('JANE AT GMAIL.COM, WWW.EXAMPLE.ORG, U/someone').redacted).toEqual([
      'email',
      'url',
      'handle',
    ]);
  });
});

function checkCombined(text: string): void {
  const one = RULE_PATTERNS.some((pattern) => [...text.matchAll(pattern)].length > 0);
  expect({ text, combined: ANY_RULE.test(text) }).toEqual({ text, combined: one });
}

/** Words the crisis rules are made of, and their guards' words. */
const CRISIS_PIECES = [
  'i',
  "i'm",
  'im',
  'want',
  'wanna',
  'to',
  'die',
  'kill',
  'killing',
  'myself',
  'my self',
  'end',
  'it',
  'all',
  'not',
  "don't",
  'never',
  'going',
  'took',
  'pills',
  'overdose',
  'od',
  "od'd",
  'xanax',
  'oxy',
  'fentanyl',
  'narcan',
  'now',
  'cut',
  'cutting',
  'hurt',
  'self-harm',
  'suicide',
  'suicidal',
  'sewer slide',
  'kms',
  'kys',
  "can't",
  'breathe',
  'breathing',
  'chest',
  'pain',
  'he',
  'she',
  "isn't",
  'used to',
  'years ago',
  'last night',
  'laughing',
  'of',
  'anymore',
  'no more',
  'live',
  'like',
  'this',
  'again',
  'drink',
  'rather',
  'than',
  'ki11',
  'su1c1de',
  ' ',
  '  ',
  ',',
  '.',
  '!',
  '?',
  '\n',
  '2',
  '5',
];

describe('crisis screening: the combined pattern matches exactly where a rule pattern does', () => {
  test('on the safety corpus (lower-cased, as the rules see it)', () => {
    for (const input of [...CRISIS_NEGATIVE, ...CRISIS_POSITIVE.map((c) => c.input)])
      checkCombined(input.toLowerCase());
  });

  test('on texts built from the rules’ own words', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...CRISIS_PIECES), { maxLength: 10 }), (pieces) => {
        checkCombined(pieces.join(' '));
        checkCombined(pieces.join(''));
      }),
      { numRuns: 20_000 },
    );
  });

  test('on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => checkCombined(text.toLowerCase())),
      { numRuns: 5_000 },
    );
  });

  test('screening still finds what it found before', () => {
    expect(assessCrisis('Thanks for sharing, glad to be here today.').atRisk).toBe(false);
    expect(assessCrisis('honestly I want to die tonight').kinds).toEqual(['suicide']);
  });
});
