import * as z from 'zod';
import { type Issue, ValidationError } from '#shared/domain/errors';
import { MAX_ITEM_POINTS, type ScorecardSpec, scorecardItems } from '#shared/domain/qa/scorecard';

/**
 * Scoring arithmetic. A score is always computed here from the item answers, never typed in:
 *
 * - an item answered `v` of `maxPoints` earns `weight × v / maxPoints`; the score is 100 × earned / possible, where
 *   `possible` sums the weights of the items not answered "na" (N/A items leave the denominator);
 * - a critical item answered 0 fails the call: the score is 0 and `criticalFailed` is set; `rawScore` keeps what the
 *   answers would have earned, for coaching;
 * - the score is rounded to one decimal, half up (85.25 → 85.3, 85.24 → 85.2), with exact integer arithmetic so no
 *   binary fraction ever decides a rounding. Scores are carried as integer tenths (`scoreTenths`) wherever they are
 *   added or subtracted (counters, revisions), for the same reason.
 */

export const NA = 'na' as const;

export const answerSchema = z.object({
  itemId: z.string().min(1).max(64),
  /** Whole points from 0 to the item's `maxPoints`, or `"na"` where the item allows it. */
  value: z.union([z.number().int().min(0).max(MAX_ITEM_POINTS), z.literal(NA)]),
  comment: z.string().trim().max(2000).optional(),
});
export type Answer = z.infer<typeof answerSchema>;

export const answersSchema = z.array(answerSchema).min(1).max(1000);

export interface SectionScore {
  sectionId: string;
  /** One decimal, half up; `null` when every weighted item of the section was N/A (or it has none). */
  score: number | null;
}

export interface ScoreResult {
  /** 0–100, one decimal; 0 when a critical item failed. */
  score: number;
  /** `score` × 10, an integer: what counters add. */
  scoreTenths: number;
  /** What the answers earned before a critical failure was applied. */
  rawScore: number;
  criticalFailed: boolean;
  /** Ids of the critical items answered 0. */
  failedCriticalItems: string[];
  sections: SectionScore[];
}

/** `100 × num / den` in integer tenths, rounded half up; `num`, `den` non-negative integers, `den` > 0. */
export function percentTenthsHalfUp(num: number, den: number): number {
  return Math.floor((2000 * num + den) / (2 * den));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Checks `answers` against `card` and computes the score. Every item must be answered exactly once; unknown items,
 * values above the item's scale and "na" where the item does not allow it are refused.
 *
 * @throws ValidationError with one issue per problem (path `answers.<index>` or `answers` for missing items).
 */
export function scoreAnswers(card: Pick<ScorecardSpec, 'sections'>, answers: readonly Answer[]): ScoreResult {
  const items = scorecardItems(card);
  const byId = new Map(items.map((entry) => [entry.item.id, entry]));
  const given = new Map<string, Answer>();
  const issues: Issue[] = [];
  answers.forEach((answer, index) => {
    const entry = byId.get(answer.itemId);
    const path = `answers.${index}`;
    if (!entry) issues.push({ path, message: `${answer.itemId} is not an item of this scorecard version` });
    else if (given.has(answer.itemId)) issues.push({ path, message: `${answer.itemId} is answered twice` });
    else if (answer.value === NA && !entry.item.allowNa) {
      issues.push({ path, message: `${answer.itemId} does not allow "na"` });
    } else if (answer.value !== NA && answer.value > entry.item.maxPoints) {
      issues.push({ path, message: `${answer.itemId} is scored 0 to ${entry.item.maxPoints}` });
    }
    given.set(answer.itemId, answer);
  });
  const missing = items.filter((entry) => !given.has(entry.item.id)).map((entry) => entry.item.id);
  if (missing.length > 0) issues.push({ path: 'answers', message: `not answered: ${missing.join(', ')}` });
  if (issues.length > 0) throw new ValidationError('the answers do not fit the scorecard', issues);

  // A common multiple of the scales turns every item's fraction into an integer numerator.
  const lcm = items.reduce((acc, { item }) => (acc * item.maxPoints) / gcd(acc, item.maxPoints), 1);
  const totals = new Map<string, { num: number; den: number }>();
  let num = 0;
  let den = 0;
  const failedCriticalItems: string[] = [];
  for (const { sectionId, item } of items) {
    const value = given.get(item.id)?.value ?? NA;
    if (value === NA) continue;
    if (item.critical && value === 0) failedCriticalItems.push(item.id);
    const itemNum = item.weight * value * (lcm / item.maxPoints);
    const itemDen = item.weight * lcm;
    num += itemNum;
    den += itemDen;
    const section = totals.get(sectionId) ?? { num: 0, den: 0 };
    totals.set(sectionId, { num: section.num + itemNum, den: section.den + itemDen });
  }
  if (den === 0) {
    throw new ValidationError('the answers do not fit the scorecard', [
      { path: 'answers', message: 'every weighted item is "na": there is nothing to score' },
    ]);
  }
  const rawTenths = percentTenthsHalfUp(num, den);
  const criticalFailed = failedCriticalItems.length > 0;
  const scoreTenths = criticalFailed ? 0 : rawTenths;
  return {
    score: scoreTenths / 10,
    scoreTenths,
    rawScore: rawTenths / 10,
    criticalFailed,
    failedCriticalItems,
    sections: card.sections.map((section) => {
      const t = totals.get(section.id);
      return { sectionId: section.id, score: t && t.den > 0 ? percentTenthsHalfUp(t.num, t.den) / 10 : null };
    }),
  };
}
