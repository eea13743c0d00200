import type { ContactEventDetail } from '#events/connect/contact-event';
import {
  type ContactFlowEvent,
  type DispositionParameters,
  dialAttributesOf,
} from '#events/connect/contact-flow-event';
import type { ContactRecord } from '#events/connect/contact-record';
import { type AttemptFacts, agentIdFromArn, type CtrFacts, type EventFacts } from '#shared/domain/outcomes/facts';
import type { AttemptId } from '#shared/ports/outcome-store';

/** One input about an attempt, from any source, reduced to facts. */
export interface OutcomeInput {
  /** Known when the input carries the dial attributes; otherwise found by `connectContactId`. */
  id?: AttemptId | undefined;
  connectContactId: string;
  facts: AttemptFacts;
  /** The agent this input names, so the store can read the agent's team in the same request. */
  agentId?: string | undefined;
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

const orUndefined = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

function idOf(attributes: Record<string, string | null> | null | undefined): AttemptId | undefined {
  const dial = dialAttributesOf(attributes);
  return dial ? { campaignId: dial.campaignId, phoneKey: dial.phoneKey, attempt: dial.attempt } : undefined;
}

/** A contact record of an outcall dial; undefined for other contacts (inbound, transfers without dial attributes). */
export function inputFromContactRecord(record: ContactRecord): OutcomeInput | undefined {
  const id = idOf(record.Attributes);
  if (!id) return undefined;
  const agentId = agentIdFromArn(record.Agent?.ARN);
  const ctr: CtrFacts = compact({
    contactId: record.ContactId,
    lastUpdate: record.LastUpdateTimestamp,
    initiatedAt: orUndefined(record.InitiationTimestamp),
    connectedToSystemAt: orUndefined(record.ConnectedToSystemTimestamp),
    disconnectedAt: orUndefined(record.DisconnectTimestamp),
    disconnectReason: orUndefined(record.DisconnectReason),
    amdStatus: orUndefined(record.AnsweringMachineDetectionStatus),
    agentId,
    agentConnectedAt: orUndefined(record.Agent?.ConnectedToAgentTimestamp),
    talkSeconds: orUndefined(record.Agent?.AgentInteractionDuration),
    acwEndedAt: orUndefined(record.Agent?.AfterContactWorkEndTimestamp),
  });
  return { id, connectContactId: record.ContactId, facts: { ctr }, agentId };
}

/** A contact event; it carries no attributes, so the attempt is found by its contact id. */
export function inputFromContactEvent(detail: ContactEventDetail): OutcomeInput {
  const agentId = agentIdFromArn(detail.agentInfo?.agentArn);
  const events: EventFacts = compact({
    contactId: detail.contactId,
    types: [detail.eventType],
    initiatedAt: orUndefined(detail.initiationTimestamp),
    connectedToSystemAt: orUndefined(detail.connectedToSystemTimestamp),
    agentConnectedAt: orUndefined(detail.agentInfo?.connectedToAgentTimestamp),
    disconnectedAt: orUndefined(detail.disconnectTimestamp),
    disconnectReason: orUndefined(detail.disconnectReason),
    amdStatus: orUndefined(detail.answeringMachineDetectionStatus),
    agentId,
  });
  return { connectContactId: detail.contactId, facts: { events }, agentId };
}

/** The outbound flow reached the call-start Lambda: records contact id ↔ attempt before anything else can. */
export function inputFromCallStart(event: ContactFlowEvent, at: string): OutcomeInput | undefined {
  const contactId = event.Details.ContactData.ContactId;
  const id = idOf(event.Details.ContactData.Attributes);
  if (!id) return undefined;
  return { id, connectContactId: contactId, facts: { callStart: { contactId, at } } };
}

/** The agent's disposition from the disconnect flow. */
export function inputFromDisposition(
  event: ContactFlowEvent,
  params: DispositionParameters,
  at: string,
): OutcomeInput | undefined {
  const contactId = event.Details.ContactData.ContactId;
  const id = idOf(event.Details.ContactData.Attributes);
  if (!id) return undefined;
  const agentId = agentIdFromArn(params.agentArn);
  const order =
    params.orderItems !== undefined
      ? compact({
          items: params.orderItems.map((item) => compact(item)),
          amount: params.orderAmount,
          currency: params.orderCurrency,
          deliveryAddress: params.deliveryAddress,
        })
      : undefined;
  return {
    id,
    connectContactId: contactId,
    agentId,
    facts: {
      disposition: compact({
        contactId,
        code: params.dispositionCode,
        at,
        notes: params.notes,
        callbackAt: params.callbackAt ? new Date(params.callbackAt).toISOString() : undefined,
        agentId,
        order,
      }),
    },
  };
}
