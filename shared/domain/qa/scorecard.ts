import * as z from 'zod';

/**
 * Scorecards (质检评分表): sections of weighted items, each answered on a points scale, some of them critical. A
 * scorecard is stored as immutable versions (`SCORECARD#<id>` / `V#<n>`); an edit writes version n + 1 and every
 * evaluation names the version it was scored with, so an edit never changes a past score. See docs/qa.md.
 */

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'an id is lower-case letters, digits and "-", ≤ 64 long');

/** Scorecard ids name the card across its versions, e.g. `default` or `spring-sales`. */
export const scorecardIdSchema = slug;

/** Largest points scale an item may use; keeps the exact integer arithmetic of scoring small. */
export const MAX_ITEM_POINTS = 10;

export const scorecardItemSchema = z
  .object({
    id: slug,
    label: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2000).optional(),
    /** Relative weight, an integer. A critical item may weigh 0: it then only gates the call. */
    weight: z.number().int().min(0).max(100),
    /** Answers are whole points from 0 to `maxPoints`; 1 makes a yes/no item. Default 1. */
    maxPoints: z.number().int().min(1).max(MAX_ITEM_POINTS).default(1),
    /** The evaluator may answer "not applicable": the item then leaves the denominator. Default false. */
    allowNa: z.boolean().default(false),
    /** Missing it (answer 0) fails the whole call. Critical items are yes/no (`maxPoints` 1). Default false. */
    critical: z.boolean().default(false),
  })
  .refine((item) => !item.critical || item.maxPoints === 1, {
    message: 'a critical item is yes/no: its maxPoints must be 1',
    path: ['maxPoints'],
  })
  .refine((item) => item.critical || item.weight > 0, {
    message: 'only a critical item may have weight 0',
    path: ['weight'],
  });
export type ScorecardItem = z.infer<typeof scorecardItemSchema>;

export const scorecardSectionSchema = z.object({
  id: slug,
  title: z.string().trim().min(1).max(200),
  items: z.array(scorecardItemSchema).min(1).max(50),
});
export type ScorecardSection = z.infer<typeof scorecardSectionSchema>;

/** Which calls the card is for: a campaign, a team, or (neither) the default for all. */
export const scorecardScopeSchema = z
  .object({
    campaignId: z.string().min(1).max(64).optional(),
    teamId: z.string().min(1).max(100).optional(),
  })
  .default({});

/** What QA writes for a version (`POST /qa/scorecards`, `PUT /qa/scorecards/{id}`). */
export const scorecardSpecSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(5000).optional(),
    scope: scorecardScopeSchema,
    /** Score (0–100) from which a call passes; reporting only, the score itself does not depend on it. Default 80. */
    passMark: z.number().min(0).max(100).default(80),
    sections: z.array(scorecardSectionSchema).min(1).max(20),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    const sections = new Set<string>();
    spec.sections.forEach((section, s) => {
      if (sections.has(section.id)) {
        ctx.addIssue({ code: 'custom', path: ['sections', s, 'id'], message: `section id ${section.id} is repeated` });
      }
      sections.add(section.id);
      section.items.forEach((item, i) => {
        if (seen.has(item.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sections', s, 'items', i, 'id'],
            message: `item id ${item.id} is repeated; item ids are unique across the scorecard`,
          });
        }
        seen.add(item.id);
      });
    });
    if (!spec.sections.some((section) => section.items.some((item) => item.weight > 0))) {
      ctx.addIssue({ code: 'custom', path: ['sections'], message: 'at least one item must have a weight above 0' });
    }
  });
export type ScorecardSpec = z.infer<typeof scorecardSpecSchema>;
export type ScorecardSpecInput = z.input<typeof scorecardSpecSchema>;

// safeExtend keeps the spec's refinements (unique ids, a weighted item), so a stored version is checked the same way.
export const scorecardSchema = scorecardSpecSchema.safeExtend({
  id: scorecardIdSchema,
  version: z.number().int().min(1),
  createdAt: z.string(),
  createdBy: z.string().min(1),
});
export type Scorecard = z.infer<typeof scorecardSchema>;

/** Every item of a card with its section, in card order. */
export function scorecardItems(card: Pick<ScorecardSpec, 'sections'>): { sectionId: string; item: ScorecardItem }[] {
  return card.sections.flatMap((section) => section.items.map((item) => ({ sectionId: section.id, item })));
}

/** The id of the scorecard created from the seeds at first use; campaigns without their own card are scored by it. */
export const DEFAULT_SCORECARD_ID = 'default';

/**
 * The default scorecard, from the seeds' six stages of a call. The three compliance items the seeds forbid outright
 * ("严禁泄露客户信息", no false promises, respect the customer's refusal — "禁止进行任何形式的骚扰电话") are critical.
 */
export const DEFAULT_SCORECARD_SPEC: ScorecardSpecInput = {
  name: '外呼通话质检评分表 / outbound call scorecard',
  scope: {},
  passMark: 80,
  sections: [
    {
      id: 'opening',
      title: '开场与身份确认 / opening and identification',
      items: [
        { id: 'greeting', label: '礼貌问候，报出公司与工号 / greets, names company and agent id', weight: 5 },
        { id: 'identity-check', label: '确认客户身份 / confirms the right person', weight: 5 },
        { id: 'purpose', label: '说明来电目的 / states the purpose of the call', weight: 5 },
      ],
    },
    {
      id: 'needs',
      title: '需求挖掘 / needs discovery',
      items: [
        { id: 'questions', label: '开放式提问了解需求 / asks open questions', weight: 10, maxPoints: 5 },
        { id: 'listening', label: '倾听并确认理解 / listens and confirms', weight: 10, maxPoints: 5 },
      ],
    },
    {
      id: 'product',
      title: '产品知识 / product knowledge',
      items: [
        { id: 'accuracy', label: '产品介绍准确、完整 / accurate, complete product facts', weight: 15, maxPoints: 5 },
        { id: 'fit', label: '结合客户需求推荐 / matches the offer to the need', weight: 10, maxPoints: 5 },
      ],
    },
    {
      id: 'objections',
      title: '异议处理 / objection handling',
      items: [
        {
          id: 'objection-response',
          label: '回应客户异议 / answers objections',
          weight: 10,
          maxPoints: 5,
          allowNa: true,
        },
        { id: 'tone', label: '语气平和、不争辩 / calm tone, no arguing', weight: 5, maxPoints: 5 },
      ],
    },
    {
      id: 'compliance',
      title: '合规与隐私 / compliance and privacy',
      items: [
        { id: 'no-false-claims', label: '无虚假承诺或误导 / no false claims', weight: 0, critical: true },
        {
          id: 'no-data-disclosure',
          label: '未泄露客户信息 / no disclosure of customer data',
          weight: 0,
          critical: true,
        },
        {
          id: 'respects-refusal',
          label: '客户拒绝后不再纠缠 / stops after a refusal',
          weight: 0,
          critical: true,
          allowNa: true,
        },
        { id: 'right-to-choose', label: '告知客户知情权与选择权 / informs of the right to choose', weight: 5 },
      ],
    },
    {
      id: 'closing',
      title: '结束与后续 / closing and next step',
      items: [
        { id: 'summary', label: '总结通话要点 / summarises', weight: 5 },
        { id: 'next-step', label: '约定下一步（回访、订单）/ agrees the next step', weight: 10, maxPoints: 5 },
        { id: 'records', label: '准确记录结果与备注 / records outcome and notes', weight: 5 },
      ],
    },
  ],
};
