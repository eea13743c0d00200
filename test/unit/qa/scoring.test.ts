import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/domain/errors';
import { DEFAULT_SCORECARD_SPEC, scorecardItems, scorecardSpecSchema } from '#shared/domain/qa/scorecard';
import { type Answer, percentTenthsHalfUp, scoreAnswers } from '#shared/domain/qa/scoring';

const card = scorecardSpecSchema.parse({
  name: 'test',
  sections: [
    {
      id: 'a',
      title: 'A',
      items: [
        { id: 'x', label: 'x', weight: 3, maxPoints: 5 },
        { id: 'y', label: 'y', weight: 1, allowNa: true },
      ],
    },
    {
      id: 'b',
      title: 'B',
      items: [
        { id: 'z', label: 'z', weight: 2, maxPoints: 4, allowNa: true },
        { id: 'gate', label: 'no false claims', weight: 0, critical: true },
      ],
    },
  ],
});

const answers = (x: Answer['value'], y: Answer['value'], z: Answer['value'], gate: Answer['value'] = 1): Answer[] => [
  { itemId: 'x', value: x },
  { itemId: 'y', value: y },
  { itemId: 'z', value: z },
  { itemId: 'gate', value: gate },
];

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('scoreAnswers', () => {
  it('weights each item by weight × points / maxPoints', () => {
    // x 4/5 × 3 = 2.4, y 1 × 1 = 1, z 2/4 × 2 = 1 → 4.4 of 6 = 73.333…
    const result = scoreAnswers(card, answers(4, 1, 2));
    expect(result).toMatchObject({ score: 73.3, scoreTenths: 733, rawScore: 73.3, criticalFailed: false });
    expect(result.sections).toEqual([
      { sectionId: 'a', score: 85 }, // 3.4 of 4
      { sectionId: 'b', score: 50 }, // 1 of 2 (the gate weighs 0)
    ]);
  });

  it('leaves N/A items out of the denominator', () => {
    // x 5/5 × 3 = 3 of 3 with y and z N/A
    expect(scoreAnswers(card, answers(5, 'na', 'na')).score).toBe(100);
    // x 3 of 5 → 1.8 of 3, y 1 of 1: 2.8 of 4 = 70
    expect(scoreAnswers(card, answers(3, 1, 'na')).score).toBe(70);
    expect(scoreAnswers(card, answers(3, 1, 'na')).sections[1]).toEqual({ sectionId: 'b', score: null });
  });

  it('scores 0 and flags the call when a critical item is missed, keeping the raw score', () => {
    const result = scoreAnswers(card, answers(5, 1, 4, 0));
    expect(result).toMatchObject({
      score: 0,
      scoreTenths: 0,
      rawScore: 100,
      criticalFailed: true,
      failedCriticalItems: ['gate'],
    });
  });

  it('rounds to one decimal half up, exactly', () => {
    expect(percentTenthsHalfUp(1, 3)).toBe(333); // 33.333… → 33.3
    expect(percentTenthsHalfUp(2, 3)).toBe(667); // 66.666… → 66.7
    expect(percentTenthsHalfUp(1, 8)).toBe(125); // 12.5 stays
    expect(percentTenthsHalfUp(1, 16)).toBe(63); // 6.25 → 6.3 (half up, not to even)
    expect(percentTenthsHalfUp(3, 16)).toBe(188); // 18.75 → 18.8
    expect(percentTenthsHalfUp(1, 1600)).toBe(1); // 0.0625 → 0.1
    expect(percentTenthsHalfUp(1, 2001)).toBe(0); // 0.04997… → 0.0
    // 6.25 % from answers: weights 15 + 1 of 16 possible, only the weight-1 item earned.
    const quarter = scorecardSpecSchema.parse({
      name: 'q',
      sections: [
        {
          id: 's',
          title: 'S',
          items: [
            { id: 'big', label: 'big', weight: 15 },
            { id: 'small', label: 'small', weight: 1 },
          ],
        },
      ],
    });
    expect(
      scoreAnswers(quarter, [
        { itemId: 'big', value: 0 },
        { itemId: 'small', value: 1 },
      ]).score,
    ).toBe(6.3);
  });

  it('refuses unknown, repeated, missing, out-of-scale and disallowed N/A answers, listing each', () => {
    const issues = issuesOf(() =>
      scoreAnswers(card, [
        { itemId: 'x', value: 6 },
        { itemId: 'x', value: 1 },
        { itemId: 'nope', value: 1 },
        { itemId: 'gate', value: 'na' },
      ]),
    );
    expect(issues).toEqual([
      'answers.0: x is scored 0 to 5',
      'answers.1: x is answered twice',
      'answers.2: nope is not an item of this scorecard version',
      'answers.3: gate does not allow "na"',
      'answers: not answered: y, z',
    ]);
  });

  it('refuses to score when every weighted item is N/A', () => {
    const allNa = scorecardSpecSchema.parse({
      name: 'n',
      sections: [{ id: 's', title: 'S', items: [{ id: 'o', label: 'o', weight: 1, allowNa: true }] }],
    });
    expect(issuesOf(() => scoreAnswers(allNa, [{ itemId: 'o', value: 'na' }]))).toEqual([
      'answers: every weighted item is "na": there is nothing to score',
    ]);
  });
});

describe('scorecard schema', () => {
  it('accepts the default card from the seeds, with six sections and three critical compliance items', () => {
    const spec = scorecardSpecSchema.parse(DEFAULT_SCORECARD_SPEC);
    expect(spec.sections.map((s) => s.id)).toEqual([
      'opening',
      'needs',
      'product',
      'objections',
      'compliance',
      'closing',
    ]);
    expect(
      scorecardItems(spec)
        .filter((e) => e.item.critical)
        .map((e) => e.item.id),
    ).toEqual(['no-false-claims', 'no-data-disclosure', 'respects-refusal']);
    const perfect = scorecardItems(spec).map((e) => ({ itemId: e.item.id, value: e.item.maxPoints }));
    expect(scoreAnswers(spec, perfect).score).toBe(100);
  });

  it('refuses repeated item ids, critical items on a scale, weightless plain items', () => {
    const result = scorecardSpecSchema.safeParse({
      name: 'bad',
      sections: [
        {
          id: 's',
          title: 'S',
          items: [
            { id: 'a', label: 'a', weight: 1 },
            { id: 'a', label: 'again', weight: 1 },
            { id: 'c', label: 'c', weight: 1, critical: true, maxPoints: 5 },
            { id: 'w', label: 'w', weight: 0 },
          ],
        },
      ],
    });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((i) => i.message) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        'item id a is repeated; item ids are unique across the scorecard',
        'a critical item is yes/no: its maxPoints must be 1',
        'only a critical item may have weight 0',
      ]),
    );
  });
});
