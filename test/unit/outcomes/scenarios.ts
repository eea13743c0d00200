import { contactEventSchema } from '#events/connect/contact-event';
import { contactFlowEventSchema, dispositionParametersSchema } from '#events/connect/contact-flow-event';
import { contactRecordSchema } from '#events/connect/contact-record';
import { type Campaign, campaignSpecSchema } from '#shared/domain/campaign';
import {
  inputFromCallStart,
  inputFromContactEvent,
  inputFromContactRecord,
  inputFromDisposition,
  type OutcomeInput,
} from '#shared/use-cases/outcomes/inputs';
import { campaignSpecInput } from '#test/integration/helpers/campaign-spec';

export const CAMPAIGN_ID = 'c-outcomes00001';
export const OTHER_CAMPAIGN_ID = 'c-outcomes00002';
export const PHONE_KEY = 'AbCdEfGhIjKlMnOpQrStUv';
export const AGENT_ID = '5f0c4d3e-1111-4222-8333-944445555666';
export const AGENT_ARN = `arn:aws:connect:us-east-1:111122223333:instance/00000000-0000-4000-8000-000000000000/agent/${AGENT_ID}`;
export const TEAM_ID = 'team-east';

const everyDay = [{ start: '09:00', end: '21:00' }];

/** A campaign in Shanghai calling every day 09:00–21:00, with the default dispositions and retry policy. */
export function outcomesCampaign(id = CAMPAIGN_ID): Campaign {
  return {
    ...campaignSpecSchema.parse(
      campaignSpecInput({
        callingRules: {
          timeZone: 'Asia/Shanghai',
          windows: {
            monday: everyDay,
            tuesday: everyDay,
            wednesday: everyDay,
            thursday: everyDay,
            friday: everyDay,
            saturday: everyDay,
            sunday: everyDay,
          },
          restrictedPeriods: [],
        },
        deadline: '2027-03-31T20:00:00+08:00',
        effectiveCall: { minTalkSeconds: 60 },
      }),
    ),
    id,
    state: 'active',
    pilotSkipped: false,
    revision: 1,
    createdAt: '2027-03-01T00:00:00.000Z',
    updatedAt: '2027-03-01T00:00:00.000Z',
    createdBy: 'planner-1',
  };
}

/** What Connect and the agent send about one call: raw payloads in the services' own shapes. */
export interface RawInput {
  kind: 'ctr' | 'event' | 'disposition' | 'callStart';
  payload: unknown;
  /** For flow Lambdas: when the Lambda ran. */
  at?: string;
}

interface CallSpec {
  attempt: number;
  contactId: string;
  /** Local Shanghai start, UTC ISO. */
  start: string;
  answered: 'agent' | 'system' | 'none';
  amd?: string;
  reason?: string;
  talkSeconds?: number;
  disposition?: { code: string; callbackAt?: string; order?: boolean };
  campaignId?: string;
}

const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

function attributes(spec: CallSpec): Record<string, string> {
  return {
    campaignId: spec.campaignId ?? CAMPAIGN_ID,
    phoneKey: PHONE_KEY,
    attempt: String(spec.attempt),
    name: '张三',
    company: '乐源',
    scriptVersion: '1',
  };
}

/** Every input one call produces, in the order they happen. */
export function callInputs(spec: CallSpec): RawInput[] {
  const connected = plus(spec.start, 20);
  const agentAt = plus(spec.start, 22);
  const talk = spec.talkSeconds ?? 0;
  const end = plus(spec.start, spec.answered === 'agent' ? 22 + talk : 35);
  const acwEnd = plus(end, 30);
  const amd = spec.amd ?? (spec.answered === 'none' ? 'AMD_UNANSWERED' : 'HUMAN_ANSWERED');
  const reason = spec.reason ?? (spec.answered === 'agent' ? 'CUSTOMER_DISCONNECT' : 'CONTACT_FLOW_DISCONNECT');
  const agent = spec.answered === 'agent';
  const out: RawInput[] = [];
  const event = (eventType: string, extra: Record<string, unknown>) => ({
    kind: 'event' as const,
    payload: {
      version: '0',
      id: `${spec.contactId}-${eventType}`,
      'detail-type': 'Amazon Connect Contact Event',
      source: 'aws.connect',
      account: '111122223333',
      time: end,
      region: 'us-east-1',
      resources: [],
      detail: {
        eventType,
        contactId: spec.contactId,
        channel: 'VOICE',
        initiationMethod: 'API',
        initiationTimestamp: spec.start,
        someFieldNobodyKnows: { nested: true },
        ...extra,
      },
    },
  });
  if (spec.answered !== 'none') {
    out.push({
      kind: 'callStart',
      at: plus(spec.start, 21),
      payload: flowEvent(spec, {}),
    });
  }
  if (agent) {
    out.push(
      event('CONNECTED_TO_AGENT', {
        connectedToSystemTimestamp: connected,
        agentInfo: { agentArn: AGENT_ARN, connectedToAgentTimestamp: agentAt },
      }),
    );
  }
  out.push(
    event('DISCONNECTED', {
      disconnectTimestamp: end,
      disconnectReason: reason,
      answeringMachineDetectionStatus: amd,
      ...(spec.answered !== 'none' ? { connectedToSystemTimestamp: connected } : {}),
      ...(agent ? { agentInfo: { agentArn: AGENT_ARN, connectedToAgentTimestamp: agentAt } } : {}),
    }),
  );
  const ctr = (lastUpdate: string, acw: boolean) => ({
    kind: 'ctr' as const,
    payload: {
      AWSAccountId: '111122223333',
      AWSContactTraceRecordFormatVersion: '2017-03-10',
      ContactId: spec.contactId,
      Channel: 'VOICE',
      InitiationMethod: 'API',
      InstanceARN: 'arn:aws:connect:us-east-1:111122223333:instance/00000000-0000-4000-8000-000000000000',
      InitiationTimestamp: spec.start,
      ConnectedToSystemTimestamp: spec.answered === 'none' ? null : connected,
      DisconnectTimestamp: end,
      DisconnectReason: reason,
      AnsweringMachineDetectionStatus: amd,
      LastUpdateTimestamp: lastUpdate,
      Attributes: attributes(spec),
      CustomerEndpoint: { Address: '+8613800000000', Type: 'TELEPHONE_NUMBER' },
      Queue: null,
      Recording: null,
      Campaign: { CampaignId: 'connect-campaign-1' },
      Agent: agent
        ? {
            ARN: AGENT_ARN,
            Username: 'agent1',
            ConnectedToAgentTimestamp: agentAt,
            AgentInteractionDuration: talk,
            AfterContactWorkEndTimestamp: acw ? acwEnd : null,
            HierarchyGroups: null,
          }
        : null,
    },
  });
  out.push(ctr(plus(end, 2), false));
  if (spec.disposition) {
    const params: Record<string, string> = {
      dispositionCode: spec.disposition.code,
      notes: '客户很满意',
      agentArn: AGENT_ARN,
    };
    if (spec.disposition.callbackAt) params.callbackAt = spec.disposition.callbackAt;
    if (spec.disposition.order) {
      params.orderItems = JSON.stringify([{ sku: 'MILK-1L', quantity: 2, unitPrice: 12.5 }]);
      params.orderAmount = '25';
      params.orderCurrency = 'CNY';
      params.deliveryAddress = '上海市浦东新区';
    }
    out.push({ kind: 'disposition', at: plus(end, 20), payload: flowEvent(spec, params) });
  }
  if (agent) out.push(ctr(plus(acwEnd, 1), true));
  return out;
}

function flowEvent(spec: CallSpec, parameters: Record<string, string>) {
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: attributes(spec),
        Channel: 'VOICE',
        ContactId: spec.contactId,
        CustomerEndpoint: { Address: '+8613800000000', Type: 'TELEPHONE_NUMBER' },
        InitialContactId: spec.contactId,
        InitiationMethod: 'API',
        InstanceARN: 'arn:aws:connect:us-east-1:111122223333:instance/00000000-0000-4000-8000-000000000000',
      },
      Parameters: parameters,
    },
  };
}

/** Parses a raw input through the same schemas and mappers the handlers use. */
export function toOutcomeInput(raw: RawInput): OutcomeInput | undefined {
  switch (raw.kind) {
    case 'ctr':
      return inputFromContactRecord(contactRecordSchema.parse(raw.payload));
    case 'event':
      return inputFromContactEvent(contactEventSchema.parse(raw.payload).detail);
    case 'callStart':
      return inputFromCallStart(contactFlowEventSchema.parse(raw.payload), raw.at ?? '');
    case 'disposition': {
      const event = contactFlowEventSchema.parse(raw.payload);
      return inputFromDisposition(event, dispositionParametersSchema.parse(event.Details.Parameters), raw.at ?? '');
    }
  }
}

/** A story of one contact: its calls, attempt after attempt. */
export interface Scenario {
  name: string;
  calls: RawInput[][];
  /** A contact of the same number in another campaign, pending, to see DNC reach it. */
  otherCampaignContact?: boolean;
}

const T0 = '2027-03-02T02:00:00.000Z'; // 10:00 in Shanghai

export const SCENARIOS: Scenario[] = [
  {
    name: 'answered and sold',
    calls: [
      callInputs({
        attempt: 1,
        contactId: 'c1-sale',
        start: T0,
        answered: 'agent',
        talkSeconds: 240,
        disposition: { code: 'SALE', order: true },
      }),
    ],
  },
  {
    name: 'no answer, then reached and refused on the retry',
    calls: [
      callInputs({ attempt: 1, contactId: 'c2-a1', start: T0, answered: 'none' }),
      callInputs({
        attempt: 2,
        contactId: 'c2-a2',
        start: '2027-03-02T05:00:00.000Z',
        answered: 'agent',
        talkSeconds: 30,
        disposition: { code: 'NOT_INTERESTED' },
      }),
    ],
  },
  {
    name: 'voicemail',
    calls: [callInputs({ attempt: 1, contactId: 'c3', start: T0, answered: 'system', amd: 'VOICEMAIL_BEEP' })],
  },
  {
    name: 'busy',
    calls: [callInputs({ attempt: 1, contactId: 'c4', start: T0, answered: 'none', amd: 'SIT_TONE_BUSY' })],
  },
  {
    name: 'invalid number',
    calls: [callInputs({ attempt: 1, contactId: 'c5', start: T0, answered: 'none', amd: 'SIT_TONE_INVALID_NUMBER' })],
  },
  {
    name: 'expired',
    calls: [
      callInputs({
        attempt: 1,
        contactId: 'c6',
        start: T0,
        answered: 'none',
        amd: 'AMD_NOT_APPLICABLE',
        reason: 'EXPIRED',
      }),
    ],
  },
  { name: 'abandoned', calls: [callInputs({ attempt: 1, contactId: 'c7', start: T0, answered: 'system' })] },
  {
    name: 'agent callback',
    calls: [
      callInputs({
        attempt: 1,
        contactId: 'c8',
        start: T0,
        answered: 'agent',
        talkSeconds: 90,
        disposition: { code: 'CALLBACK', callbackAt: '2027-03-03T15:30:00+08:00' },
      }),
    ],
  },
  {
    name: 'do-not-call request reaches the other campaign',
    otherCampaignContact: true,
    calls: [
      callInputs({
        attempt: 1,
        contactId: 'c9',
        start: T0,
        answered: 'agent',
        talkSeconds: 15,
        disposition: { code: 'DO_NOT_CALL' },
      }),
    ],
  },
  {
    name: 'three no-answers exhaust the class',
    calls: [
      callInputs({ attempt: 1, contactId: 'c10-a1', start: T0, answered: 'none' }),
      callInputs({ attempt: 2, contactId: 'c10-a2', start: '2027-03-02T05:00:00.000Z', answered: 'none' }),
      callInputs({ attempt: 3, contactId: 'c10-a3', start: '2027-03-02T08:00:00.000Z', answered: 'none' }),
    ],
  },
];
