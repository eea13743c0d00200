import {
  type ConnectCampaignsV2Client,
  CreateCampaignCommand,
  type CreateCampaignCommandInput,
  GetCampaignStateCommand,
  PauseCampaignCommand,
  PutOutboundRequestBatchCommand,
  type PutOutboundRequestBatchCommandOutput,
  ResumeCampaignCommand,
  StartCampaignCommand,
  StopCampaignCommand,
  type TelephonyOutboundMode,
} from '@aws-sdk/client-connectcampaignsv2';
import { type Campaign, WEEKDAYS } from '#shared/domain/campaign';
import {
  CONNECT_CAMPAIGN_STATES,
  ConnectCallError,
  type ConnectCampaignState,
  type ConnectCampaigns,
  ConnectThrottledError,
  ConnectUnavailableError,
  type DialRequest,
  type DialResult,
} from '#shared/ports/connect-campaigns';

export interface ConnectCampaignsAdapterConfig {
  client: ConnectCampaignsV2Client;
}

/** Amazon Connect outbound campaigns (v2) through the SDK (AWS-FACTS.md has the shapes and limits). */
export class ConnectCampaignsAdapter implements ConnectCampaigns {
  readonly #client: ConnectCampaignsV2Client;

  constructor(config: ConnectCampaignsAdapterConfig) {
    this.#client = config.client;
  }

  async putDialRequests(connectCampaignId: string, requests: readonly DialRequest[]): Promise<DialResult[]> {
    if (requests.length === 0) return [];
    if (requests.length > 25) throw new RangeError('PutOutboundRequestBatch takes at most 25 requests');
    let out: PutOutboundRequestBatchCommandOutput;
    try {
      out = await this.#client.send(
        new PutOutboundRequestBatchCommand({
          id: connectCampaignId,
          outboundRequests: requests.map((r) => ({
            clientToken: r.clientToken,
            expirationTime: r.expiresAt,
            channelSubtypeParameters: {
              telephony: {
                destinationPhoneNumber: r.phoneNumber,
                attributes: r.attributes,
                ...(r.sourcePhoneNumber !== undefined ? { connectSourcePhoneNumber: r.sourcePhoneNumber } : {}),
                ...(r.answerMachineDetection !== undefined
                  ? { answerMachineDetectionConfig: { enableAnswerMachineDetection: r.answerMachineDetection } }
                  : {}),
                ...(r.ringTimeoutSeconds !== undefined ? { ringTimeout: r.ringTimeoutSeconds } : {}),
              },
            },
          })),
        }),
      );
    } catch (error) {
      if (errorName(error) === 'ThrottlingException')
        throw new ConnectThrottledError('PutOutboundRequestBatch throttled');
      const transient = transientCode(error);
      // Only the error's name or socket code goes on: a timeout's message may quote the request.
      if (transient !== undefined) {
        throw new ConnectUnavailableError(transient, `PutOutboundRequestBatch failed: ${transient}`);
      }
      throw error;
    }
    const byToken = new Map<string, DialResult>();
    for (const s of out.successfulRequests ?? []) {
      if (s.clientToken)
        byToken.set(s.clientToken, { clientToken: s.clientToken, outcome: 'accepted', requestId: s.id ?? '' });
    }
    for (const f of out.failedRequests ?? []) {
      if (f.clientToken) byToken.set(f.clientToken, failedResult(f.clientToken, f.failureCode));
    }
    // A request the answer does not mention was not placed for sure; it goes again with the same token.
    return requests.map((r) => byToken.get(r.clientToken) ?? { clientToken: r.clientToken, outcome: 'unknown' });
  }

  async createCampaign(campaign: Campaign): Promise<string> {
    const out = await this.#control('create', () =>
      this.#client.send(new CreateCampaignCommand(createInput(campaign))),
    );
    if (!out.id) throw new ConnectCallError('MissingId', 'CreateCampaign answered without an id');
    return out.id;
  }

  async start(id: string): Promise<void> {
    await this.#control('start', () => this.#client.send(new StartCampaignCommand({ id })));
  }

  async pause(id: string): Promise<void> {
    await this.#control('pause', () => this.#client.send(new PauseCampaignCommand({ id })));
  }

  async resume(id: string): Promise<void> {
    await this.#control('resume', () => this.#client.send(new ResumeCampaignCommand({ id })));
  }

  async stop(id: string): Promise<void> {
    await this.#control('stop', () => this.#client.send(new StopCampaignCommand({ id })));
  }

  async getState(id: string): Promise<ConnectCampaignState> {
    const out = await this.#control('getState', () => this.#client.send(new GetCampaignStateCommand({ id })));
    const state = out.state as ConnectCampaignState | undefined;
    if (!state || !CONNECT_CAMPAIGN_STATES.includes(state)) {
      throw new ConnectCallError('UnknownState', `Connect reported campaign state "${String(out.state)}"`);
    }
    return state;
  }

  async #control<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const code = errorName(error);
      // Only the service's own error name and message go on: they describe the Connect campaign, not a person.
      const message = error instanceof Error ? error.message : String(error);
      throw new ConnectCallError(code, `Amazon Connect ${action} failed: ${code}: ${message}`);
    }
  }
}

function failedResult(clientToken: string, failureCode: string | undefined): DialResult {
  switch (failureCode) {
    case 'InvalidInput':
      return { clientToken, outcome: 'invalid', reason: 'Amazon Connect refused the request as invalid input' };
    case 'RequestThrottled':
    case 'BufferLimitExceeded':
      return { clientToken, outcome: 'throttled' };
    default:
      return { clientToken, outcome: 'unknown' };
  }
}

/** Errors of the service or the network that pass, as the SDK's retry strategy classifies them as transient. */
const TRANSIENT_NAMES = new Set([
  'InternalServerException',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/**
 * The name (or socket code) of an error that passes: a 5xx answer, a timeout, a connection dropped or refused.
 * Undefined for the rest (4xx: validation, access, a campaign missing or not running), which waiting does not cure.
 */
export function transientCode(error: unknown): string | undefined {
  const e = error as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown } } | undefined;
  // The socket's code first: the SDK renames a reset connection TimeoutError, its code says what happened.
  if (typeof e?.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  const name = errorName(error);
  if (TRANSIENT_NAMES.has(name)) return name;
  const status = e?.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return name;
  return undefined;
}

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? 'Error';
}

/** Connect's open hours have no "24:00"; the last minute of the day is the nearest it can say. */
function connectTime(hhmm: string): string {
  return hhmm === '24:00' ? 'T23:59' : `T${hhmm}`;
}

/** The CreateCampaign request for an outcall campaign: dial mode, defaults for every dial, and its calling hours. */
export function createInput(campaign: Campaign): CreateCampaignCommandInput {
  const c = campaign.connect;
  const mode: TelephonyOutboundMode =
    c.outboundMode === 'agentless'
      ? { agentless: {} }
      : c.outboundMode === 'predictive'
        ? { predictive: { bandwidthAllocation: c.capacity } }
        : c.outboundMode === 'preview'
          ? { preview: { bandwidthAllocation: c.capacity, timeoutConfig: { durationInSeconds: c.ringTimeoutSeconds } } }
          : { progressive: { bandwidthAllocation: c.capacity } };
  const rules = campaign.callingRules;
  const dailyHours = Object.fromEntries(
    WEEKDAYS.map((day) => [
      day.toUpperCase(),
      rules.windows[day].map((w) => ({ startTime: connectTime(w.start), endTime: connectTime(w.end) })),
    ]),
  );
  return {
    // Connect names are ≤ 127 characters; the outcall id keeps them unique.
    name: `outcall-${campaign.id}`,
    connectInstanceId: c.instanceId,
    channelSubtypeConfig: {
      telephony: {
        outboundMode: mode,
        capacity: c.capacity,
        defaultOutboundConfig: {
          connectContactFlowId: c.contactFlowId,
          connectSourcePhoneNumber: c.sourcePhoneNumber,
          answerMachineDetectionConfig: { enableAnswerMachineDetection: c.answerMachineDetection },
          ringTimeout: c.ringTimeoutSeconds,
        },
        ...(c.queueId !== undefined ? { connectQueueId: c.queueId } : {}),
      },
    },
    communicationTimeConfig: {
      localTimeZoneConfig: { defaultTimeZone: rules.timeZone },
      telephony: {
        openHours: { dailyHours },
        ...(rules.restrictedPeriods.length > 0
          ? {
              restrictedPeriods: {
                restrictedPeriodList: rules.restrictedPeriods.map((p) => ({
                  name: p.name,
                  startDate: p.startDate,
                  endDate: p.endDate,
                })),
              },
            }
          : {}),
      },
    },
    tags: { outcallCampaignId: campaign.id },
  };
}
