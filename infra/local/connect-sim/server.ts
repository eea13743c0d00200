import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CreateCampaignBody,
  createCampaignSchema,
  type OutboundRequestBody,
  putOutboundRequestBatchSchema,
} from '#infra/local/connect-sim/validate';

/**
 * A local stand-in for Amazon Connect outbound campaigns (v2). It speaks the REST shapes of the real API (as the SDK
 * serialises and deserialises them), validates every request against the service's constraints, keeps campaign
 * states, dedupes dial requests by client token, and hands each new dial to a pluggable {@link DialHandler} that
 * decides what happens to it (accepted, refused with a failure code). The local run will grow it into a simulated
 * contact centre that also emits contact events.
 */

/** Failure codes of PutOutboundRequestBatch's `failedRequests`. */
export type DialFailureCode = 'InvalidInput' | 'RequestThrottled' | 'UnknownError' | 'BufferLimitExceeded';

export type DialDecision = { kind: 'accept' } | { kind: 'fail'; failureCode: DialFailureCode };

/** A dial request that passed validation, with the campaign it was sent to. */
export interface SimDial {
  campaignId: string;
  clientToken: string;
  phoneNumber: string;
  attributes: Record<string, string>;
  expiresAt: Date;
  ringTimeout?: number | undefined;
  /** Connect's id for the request (the same on a duplicate token). */
  id: string;
}

/** Decides what becomes of one dial; called once per new client token (duplicates get the first answer). */
export type DialHandler = (dial: SimDial) => DialDecision;

export interface SimCampaign {
  id: string;
  arn: string;
  state: 'Initialized' | 'Running' | 'Paused' | 'Stopped' | 'Failed' | 'Completed';
  config: CreateCampaignBody | undefined;
}

export interface ConnectSimOptions {
  /** Default: accept every dial. */
  onDial?: DialHandler;
  /** Region in ARNs. Default us-east-1. */
  region?: string;
}

/** One HTTP request as received, for tests that check the wire. */
export interface SimRequestLog {
  method: string;
  path: string;
  body: unknown;
  status: number;
}

export interface ConnectSim {
  endpoint: string;
  campaigns: Map<string, SimCampaign>;
  /** Dials Connect accepted, first send of each token only. */
  placed: SimDial[];
  /** Every HTTP request, in order. */
  requests: SimRequestLog[];
  /** Answer the next `n` batch calls with 429 ThrottlingException. */
  throttleNextBatches(n: number): void;
  /**
   * Refuse every batch call of this Connect campaign with this error (e.g. 400 ValidationException, 403
   * AccessDeniedException) until the cause is fixed: `undefined` lifts it.
   */
  refuseBatches(connectCampaignId: string, error: { status: number; type: string; message: string } | undefined): void;
  /** Answer the next control-plane call (start/pause/resume/stop/create) of this kind with this error. */
  failNextControl(action: ControlAction, error: { status: number; type: string; message: string }): void;
  setDialHandler(handler: DialHandler): void;
  /** Adds a campaign as if created in the console. */
  addCampaign(id: string, state?: SimCampaign['state']): SimCampaign;
  stop(): Promise<void>;
}

type ControlAction = 'create' | 'start' | 'pause' | 'resume' | 'stop';

class SimHttpError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, message: string) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

/** Starts the simulator on 127.0.0.1 and a free port. */
export async function startConnectSim(options: ConnectSimOptions = {}): Promise<ConnectSim> {
  const region = options.region ?? 'us-east-1';
  let onDial: DialHandler = options.onDial ?? (() => ({ kind: 'accept' }));
  const campaigns = new Map<string, SimCampaign>();
  const placed: SimDial[] = [];
  const requests: SimRequestLog[] = [];
  const answered = new Map<string, { id: string; decision: DialDecision }>();
  const controlFailures = new Map<ControlAction, { status: number; type: string; message: string }>();
  let throttled = 0;
  const batchRefusals = new Map<string, { status: number; type: string; message: string }>();

  const addCampaign = (id: string, state: SimCampaign['state'] = 'Initialized', config?: CreateCampaignBody) => {
    const campaign: SimCampaign = {
      id,
      arn: `arn:aws:connect-campaigns:${region}:000000000000:campaign/${id}`,
      state,
      config,
    };
    campaigns.set(id, campaign);
    return campaign;
  };

  const campaignOf = (id: string) => {
    const campaign = campaigns.get(decodeURIComponent(id));
    if (!campaign) throw new SimHttpError(404, 'ResourceNotFoundException', `campaign ${id} not found`);
    return campaign;
  };

  const control = (action: ControlAction) => {
    const failure = controlFailures.get(action);
    if (failure) {
      controlFailures.delete(action);
      throw new SimHttpError(failure.status, failure.type, failure.message);
    }
  };

  const transition = (id: string, action: ControlAction, from: SimCampaign['state'][], to: SimCampaign['state']) => {
    control(action);
    const campaign = campaignOf(id);
    if (!from.includes(campaign.state)) {
      throw new SimHttpError(409, 'InvalidCampaignStateException', `campaign is ${campaign.state}`);
    }
    campaign.state = to;
    return {};
  };

  const putBatch = (id: string, body: unknown) => {
    const campaign = campaignOf(id);
    const refusal = batchRefusals.get(campaign.id);
    if (refusal) throw new SimHttpError(refusal.status, refusal.type, refusal.message);
    if (throttled > 0) {
      throttled--;
      throw new SimHttpError(429, 'ThrottlingException', 'Rate exceeded');
    }
    const parsed = putOutboundRequestBatchSchema.safeParse(body);
    if (!parsed.success)
      throw new SimHttpError(400, 'ValidationException', parsed.error.issues[0]?.message ?? 'invalid');
    if (campaign.state !== 'Running') {
      throw new SimHttpError(409, 'InvalidCampaignStateException', `campaign is ${campaign.state}`);
    }
    const successfulRequests: { clientToken: string; id: string }[] = [];
    const failedRequests: { clientToken: string; id: string; failureCode: string }[] = [];
    for (const request of parsed.data.outboundRequests) {
      const answer = answered.get(request.clientToken) ?? decide(campaign.id, request);
      if (answer.decision.kind === 'accept') {
        successfulRequests.push({ clientToken: request.clientToken, id: answer.id });
      } else {
        failedRequests.push({
          clientToken: request.clientToken,
          id: answer.id,
          failureCode: answer.decision.failureCode,
        });
      }
    }
    return { successfulRequests, failedRequests };
  };

  const decide = (campaignId: string, request: OutboundRequestBody) => {
    const telephony = request.channelSubtypeParameters.telephony;
    const dial: SimDial = {
      campaignId,
      clientToken: request.clientToken,
      phoneNumber: telephony.destinationPhoneNumber,
      attributes: telephony.attributes,
      expiresAt: new Date(request.expirationTime),
      ringTimeout: telephony.ringTimeout,
      id: randomUUID(),
    };
    const decision = onDial(dial);
    // Only a decided request is remembered: a throttled or failed-unknown one may be sent again and then succeed.
    if (decision.kind === 'accept') {
      answered.set(request.clientToken, { id: dial.id, decision });
      placed.push(dial);
    } else if (decision.failureCode === 'InvalidInput') {
      answered.set(request.clientToken, { id: dial.id, decision });
    }
    return { id: dial.id, decision };
  };

  const route = (method: string, path: string, body: unknown): unknown => {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'v2' || parts[1] !== 'campaigns') throw new SimHttpError(404, 'ResourceNotFoundException', path);
    const id = parts[2];
    const tail = parts[3];
    if (method === 'PUT' && id === undefined) {
      control('create');
      const parsed = createCampaignSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new SimHttpError(400, 'ValidationException', `${issue?.path.join('.')}: ${issue?.message}`);
      }
      const campaign = addCampaign(randomUUID(), 'Initialized', parsed.data);
      return { id: campaign.id, arn: campaign.arn, tags: parsed.data.tags ?? {} };
    }
    if (id === undefined) throw new SimHttpError(404, 'ResourceNotFoundException', path);
    if (method === 'PUT' && tail === 'outbound-requests') return putBatch(id, body);
    if (method === 'GET' && tail === 'state') return { state: campaignOf(id).state };
    if (method === 'POST' && tail === 'start') return transition(id, 'start', ['Initialized', 'Stopped'], 'Running');
    if (method === 'POST' && tail === 'pause') return transition(id, 'pause', ['Running'], 'Paused');
    if (method === 'POST' && tail === 'resume') return transition(id, 'resume', ['Paused'], 'Running');
    if (method === 'POST' && tail === 'stop') {
      return transition(id, 'stop', ['Initialized', 'Running', 'Paused'], 'Stopped');
    }
    throw new SimHttpError(404, 'ResourceNotFoundException', `${method} ${path}`);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      let body: unknown;
      let status = 200;
      let answer: unknown;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        body = text === '' ? undefined : JSON.parse(text);
        answer = route(method, path, body);
      } catch (error) {
        const e =
          error instanceof SimHttpError ? error : new SimHttpError(500, 'InternalServerException', String(error));
        status = e.status;
        headers['x-amzn-errortype'] = e.type;
        answer = { message: e.message };
      }
      requests.push({ method, path, body, status });
      res.writeHead(status, headers).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    campaigns,
    placed,
    requests,
    throttleNextBatches: (n) => {
      throttled = n;
    },
    refuseBatches: (connectCampaignId, error) => {
      if (error) batchRefusals.set(connectCampaignId, error);
      else batchRefusals.delete(connectCampaignId);
    },
    failNextControl: (action, error) => {
      controlFailures.set(action, error);
    },
    setDialHandler: (handler) => {
      onDial = handler;
    },
    addCampaign: (id, state) => addCampaign(id, state),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
