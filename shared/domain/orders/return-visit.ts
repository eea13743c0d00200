import { moveIntoWindow } from '#shared/domain/calling-window';
import type { Campaign, Disposition } from '#shared/domain/campaign';
import { dispositionSchema } from '#shared/domain/campaign';
import type { Contact } from '#shared/domain/contact';

/**
 * The default disposition catalog of a return-visit campaign (回访, satisfaction survey). Use it as the `dispositions`
 * of a campaign with purpose `returnVisit`.
 *
 * An issue or a complaint is not final: the outcomes recorder then schedules the contact as a callback (the
 * follow-up, at the time the agent agreed, else after the standard follow-up delay), and a complaint adds to the
 * campaign/day `complaints` counter the manager's report reads. Unlike the sales catalog's COMPLAINT, a complaint
 * about a delivered product does not put the number on the do-not-call list.
 */
export const RETURN_VISIT_DISPOSITIONS: Disposition[] = [
  rv('SATISFIED', '满意 / satisfied', { final: true, success: true, effective: true }),
  rv('ISSUE_REPORTED', '反映问题 / issue reported', { final: false, effective: true, callback: true }),
  rv('COMPLAINT', '投诉 / complaint', { final: false, effective: true, callback: true, complaint: true }),
  rv('REFERRAL', '转介绍 / referral', { final: true, success: true, effective: true, interest: 'intentional' }),
  rv('REPURCHASE_INTEREST', '有复购意向 / repurchase interest', {
    final: true,
    success: true,
    effective: true,
    interest: 'intentional',
  }),
  rv('NOT_CONVENIENT', '不方便 / call later', { final: false, callback: true }),
  rv('WRONG_PERSON', '非本人 / wrong person', { final: true }),
  rv('DO_NOT_CALL', '拒绝来电 / do not call', { final: true, doNotCall: true }),
];

function rv(code: string, label: string, flags: Partial<Disposition> & { final: boolean }): Disposition {
  return dispositionSchema.parse({ code, label, ...flags });
}

/** Why a visit is scheduled: a satisfaction visit after a delivery, a complaint follow-up after a return. */
export type VisitKind = 'satisfaction' | 'complaintFollowUp';

/** Due-index priority class of the visit; the DynamoDB adapter maps it to its number. */
export type VisitPriority = 'callback' | 'newMobile' | 'newFixed';

export interface PlannedVisit {
  contact: Contact;
  priority: VisitPriority;
}

const HOUR_MS = 3_600_000;

/**
 * The contact a follow-up visit adds to `visitCampaign`: the sales contact's number, zone and attributes, due at
 * `moveIntoWindow(baseAt + delayHours)` in the contact's own zone under the visit campaign's calling rules. A
 * satisfaction visit is a new contact (priority new); a complaint follow-up is a callback (priority callback, ahead of
 * new ones). `undefined` when no calling window opens before the visit campaign's deadline.
 */
export function planVisit(input: {
  kind: VisitKind;
  orderId: string;
  source: Pick<Contact, 'phoneKey' | 'e164' | 'numberType' | 'zone' | 'attributes'>;
  visitCampaign: Pick<Campaign, 'id' | 'callingRules' | 'deadline'>;
  baseAt: string;
  delayHours: number;
  now: string;
}): PlannedVisit | undefined {
  const { source, visitCampaign } = input;
  const zone = source.zone || visitCampaign.callingRules.timeZone;
  const candidate = new Date(Date.parse(input.baseAt) + input.delayHours * HOUR_MS);
  const due = moveIntoWindow(visitCampaign.callingRules, candidate, zone);
  if (!due || due.getTime() > Date.parse(visitCampaign.deadline)) return undefined;
  const dueAt = due.toISOString();
  const callback = input.kind === 'complaintFollowUp';
  const contact: Contact = {
    campaignId: visitCampaign.id,
    phoneKey: source.phoneKey,
    e164: source.e164,
    numberType: source.numberType,
    zone,
    listId: 'follow-through',
    row: 1,
    attributes: {
      ...source.attributes,
      extra: { ...source.attributes.extra, orderId: input.orderId, visit: input.kind },
    },
    state: callback ? 'callback' : 'new',
    attempts: 0,
    attemptsByClass: {},
    recentAttempts: [],
    dueAt,
    ...(callback ? { callback: { at: dueAt } } : {}),
    reason: callback ? 'order returned: complaint follow-up' : 'order delivered: return visit',
    createdAt: input.now,
    updatedAt: input.now,
  };
  const priority: VisitPriority = callback ? 'callback' : source.numberType === 'mobile' ? 'newMobile' : 'newFixed';
  return { contact, priority };
}
