import { assessCrisis, type CrisisKind } from '../../src/rooms/safety/crisis.js';
import { crisisResources } from '../../src/rooms/safety/crisis-resources.js';
import { CRISIS_NEGATIVE, CRISIS_POSITIVE } from './safety-corpus.js';

describe('assessCrisis', () => {
  it('has a corpus of at least 40 cases each way', () => {
    expect(CRISIS_POSITIVE.length).toBeGreaterThanOrEqual(40);
    expect(CRISIS_NEGATIVE.length).toBeGreaterThanOrEqual(40);
    expect(CRISIS_POSITIVE.length + CRISIS_NEGATIVE.length).toBeGreaterThanOrEqual(100);
  });

  describe('flags risk', () => {
    it.each(CRISIS_POSITIVE)('$input', ({ input, kinds }) => {
      expect(assessCrisis(input)).toEqual({ atRisk: true, kinds });
    });
  });

  describe('does not flag recovery talk without acute risk', () => {
    it.each(CRISIS_NEGATIVE)('%s', (input) => {
      expect(assessCrisis(input)).toEqual({ atRisk: false, kinds: [] });
    });
  });

  it('handles an empty message', () => {
    expect(assessCrisis('')).toEqual({ atRisk: false, kinds: [] });
  });

  it('reads a message whatever its case', () => {
    expect(assessCrisis('I WANT TO DIE')).toEqual({ atRisk: true, kinds: ['suicide'] });
  });

  describe('returns on 100 KB of adversarial input', () => {
    const SIZE = 100_000;
    const fill = (unit: string): string =>
      unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

    it.each([
      ['letters', fill('a')],
      ['short sentences', fill('a.')],
      ['spaces', fill(' ')],
      ['stretched letters', fill('i')],
      ['negated phrases', fill("i'm not going to kill myself ")],
      ['fillers after a negation', `not ${fill('really ')}`],
      ['third-party subjects', fill('he ')],
      ['quantities without a substance', fill('took a bunch of ')],
      ['digit-letter mixes', fill('k1')],
      ['dotted o.d.', fill('o.d.')],
      ['clause joiners', fill('and i ')],
    ])('%s', (_name, input) => {
      expect(typeof assessCrisis(input).atRisk).toBe('boolean');
    });
  });
});

describe('crisisResources', () => {
  const names = (kinds: CrisisKind[]): string[] => crisisResources(kinds).map((r) => r.name);

  it('always offers the 988 Lifeline and the SAMHSA helpline', () => {
    for (const kinds of [[], ['suicide'], ['self_harm']] satisfies CrisisKind[][]) {
      expect(names(kinds)).toEqual(['988 Suicide & Crisis Lifeline', 'SAMHSA National Helpline']);
    }
  });

  it('puts emergency services first when an overdose is possible', () => {
    expect(names(['overdose'])).toEqual([
      'Emergency services (911)',
      '988 Suicide & Crisis Lifeline',
      'SAMHSA National Helpline',
    ]);
    expect(names(['suicide', 'overdose'])[0]).toBe('Emergency services (911)');
  });

  it('gives the numbers and addresses people need', () => {
    const [emergency, lifeline, samhsa] = crisisResources(['overdose']);
    expect(emergency).toMatchObject({ phone: '911' });
    expect(emergency?.description).toMatch(/naloxone \(Narcan\)/);
    expect(emergency?.description).toMatch(/Stay with the person/);
    expect(lifeline).toMatchObject({ phone: '988', sms: '988', url: 'https://988lifeline.org' });
    expect(samhsa).toMatchObject({
      phone: '1-800-662-4357',
      url: 'https://www.samhsa.gov/find-help/helplines/national-helpline',
    });
    for (const resource of [emergency, lifeline, samhsa]) {
      expect(resource?.description.length).toBeGreaterThan(0);
      expect(resource?.url).toMatch(/^https:\/\//);
    }
  });

  it('returns fresh objects, so a caller cannot change the next notice', () => {
    const first = crisisResources(['overdose']);
    first[0]!.name = 'changed';
    expect(crisisResources(['overdose'])[0]?.name).toBe('Emergency services (911)');
  });
});
