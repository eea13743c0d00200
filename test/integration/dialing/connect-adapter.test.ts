import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectCampaignsV2Client } from '@aws-sdk/client-connectcampaignsv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectSim, startConnectSim } from '#infra/local/connect-sim/server';
import { ConnectCampaignsAdapter } from '#shared/adapters/connect/connect-campaigns';
import { campaignSchema } from '#shared/domain/campaign';
import {
  ConnectCallError,
  ConnectThrottledError,
  ConnectUnavailableError,
  type DialRequest,
} from '#shared/ports/connect-campaigns';
import { storedCampaign } from '#test/integration/helpers/campaign-spec';
import { simConnectAdapter } from '#test/integration/helpers/dialing-deps';

let sim: ConnectSim;
let adapter: ConnectCampaignsAdapter;

beforeAll(async () => {
  sim = await startConnectSim();
  adapter = simConnectAdapter(sim.endpoint);
});
afterAll(async () => {
  await sim?.stop();
});

const request = (n: number, overrides: Partial<DialRequest> = {}): DialRequest => ({
  clientToken: `c-abcdefghij0123456789.pk${String(n).padStart(20, '0')}.1`,
  phoneNumber: `+8613800138${String(n).padStart(3, '0')}`,
  expiresAt: new Date('2027-03-01T02:05:00Z'),
  attributes: { campaignId: 'c-abcdefghij0123456789', attempt: '1', customer_name: '王先生' },
  ringTimeoutSeconds: 30,
  answerMachineDetection: true,
  ...overrides,
});

describe('Connect adapter through the real SDK client', () => {
  it('creates a campaign the service accepts, then starts, pauses, resumes and stops it', async () => {
    const campaign = campaignSchema.parse(
      storedCampaign('c-abcdefghij0123456789', {
        callingRules: {
          timeZone: 'Asia/Shanghai',
          windows: {
            monday: [
              { start: '09:00', end: '12:00' },
              { start: '13:30', end: '24:00' },
            ],
            tuesday: [],
            wednesday: [],
            thursday: [],
            friday: [],
            saturday: [],
            sunday: [],
          },
          restrictedPeriods: [{ name: '春节', startDate: '2027-02-06', endDate: '2027-02-12' }],
        },
      }),
    );
    const id = await adapter.createCampaign(campaign);
    const stored = sim.campaigns.get(id);
    expect(stored?.config?.connectInstanceId).toBe('i-1');
    expect(stored?.config?.channelSubtypeConfig.telephony.outboundMode).toEqual({
      progressive: { bandwidthAllocation: 1 },
    });
    expect(stored?.config?.communicationTimeConfig?.telephony?.openHours.dailyHours.MONDAY).toEqual([
      { startTime: 'T09:00', endTime: 'T12:00' },
      { startTime: 'T13:30', endTime: 'T23:59' },
    ]);
    expect(await adapter.getState(id)).toBe('Initialized');
    await adapter.start(id);
    expect(await adapter.getState(id)).toBe('Running');
    await adapter.pause(id);
    expect(await adapter.getState(id)).toBe('Paused');
    await adapter.resume(id);
    await adapter.stop(id);
    expect(await adapter.getState(id)).toBe('Stopped');
  });

  it('turns a refused control call into a ConnectCallError naming the service error', async () => {
    sim.addCampaign('cc-refuse', 'Running');
    await expect(adapter.resume('cc-refuse')).rejects.toMatchObject({
      name: 'ConnectCallError',
      code: 'InvalidCampaignStateException',
    });
    await expect(adapter.start('cc-missing')).rejects.toBeInstanceOf(ConnectCallError);
  });

  it('sends 25 requests in the shape the service validates and maps each answer by client token', async () => {
    sim.addCampaign('cc-batch', 'Running');
    sim.setDialHandler((dial) => {
      if (dial.phoneNumber.endsWith('003')) return { kind: 'fail', failureCode: 'InvalidInput' };
      if (dial.phoneNumber.endsWith('004')) return { kind: 'fail', failureCode: 'RequestThrottled' };
      if (dial.phoneNumber.endsWith('005')) return { kind: 'fail', failureCode: 'BufferLimitExceeded' };
      if (dial.phoneNumber.endsWith('006')) return { kind: 'fail', failureCode: 'UnknownError' };
      return { kind: 'accept' };
    });
    const requests = Array.from({ length: 25 }, (_, i) => request(i));
    const results = await adapter.putDialRequests('cc-batch', requests);
    sim.setDialHandler(() => ({ kind: 'accept' }));

    const wire = sim.requests.at(-1);
    expect(wire).toMatchObject({ method: 'PUT', path: '/v2/campaigns/cc-batch/outbound-requests', status: 200 });
    const body = wire?.body as { outboundRequests: Record<string, unknown>[] };
    expect(body.outboundRequests).toHaveLength(25);
    expect(body.outboundRequests[0]).toEqual({
      clientToken: requests[0]?.clientToken,
      expirationTime: '2027-03-01T02:05:00Z',
      channelSubtypeParameters: {
        telephony: {
          destinationPhoneNumber: '+8613800138000',
          attributes: { campaignId: 'c-abcdefghij0123456789', attempt: '1', customer_name: '王先生' },
          answerMachineDetectionConfig: { enableAnswerMachineDetection: true },
          ringTimeout: 30,
        },
      },
    });
    expect(results.map((r) => r.outcome).slice(0, 8)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'invalid',
      'throttled',
      'throttled',
      'unknown',
      'accepted',
    ]);
    expect(results.map((r) => r.clientToken)).toEqual(requests.map((r) => r.clientToken));
    expect(sim.placed).toHaveLength(21);
  });

  it('lets Connect dedupe a resent client token: one call placed, the same request id answered', async () => {
    sim.addCampaign('cc-dedupe', 'Running');
    const before = sim.placed.length;
    const [first] = await adapter.putDialRequests('cc-dedupe', [request(900)]);
    const [again] = await adapter.putDialRequests('cc-dedupe', [request(900)]);
    expect(first).toMatchObject({ outcome: 'accepted' });
    expect(again).toEqual(first);
    expect(sim.placed.length - before).toBe(1);
  });

  it('raises ConnectThrottledError when the whole call is throttled (429), and places nothing', async () => {
    sim.addCampaign('cc-throttle', 'Running');
    const before = sim.placed.length;
    sim.throttleNextBatches(1);
    await expect(adapter.putDialRequests('cc-throttle', [request(901)])).rejects.toBeInstanceOf(ConnectThrottledError);
    expect(sim.placed.length).toBe(before);
  });

  it('is refused by the simulator when a request breaks the service constraints', async () => {
    sim.addCampaign('cc-invalid', 'Running');
    await expect(
      adapter.putDialRequests('cc-invalid', [request(902, { clientToken: 'has space', ringTimeoutSeconds: 5 })]),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      adapter.putDialRequests('cc-invalid', [request(903, { attributes: { 'bad key!': 'x' } })]),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

/** A server standing in for a failing Connect endpoint: every request gets `answer`. */
async function failingEndpoint(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const adapterOn = new ConnectCampaignsAdapter({
    client: new ConnectCampaignsV2Client({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
      requestHandler: { socketTimeout: 300 },
    }),
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { adapter: adapterOn, stop };
}

describe('Connect adapter: errors that pass and errors that do not, as the SDK raises them', () => {
  const cases: { name: string; answer: Parameters<typeof failingEndpoint>[0]; code: string }[] = [
    {
      name: 'HTTP 500 InternalServerException',
      answer: (_req, res) =>
        res
          .writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalServerException' })
          .end(JSON.stringify({ message: 'internal error' })),
      code: 'InternalServerException',
    },
    {
      name: 'a connection reset after the request was sent',
      answer: (req) => req.socket.destroy(),
      code: 'ECONNRESET',
    },
    {
      name: 'a socket timeout (the request was sent, no answer came)',
      answer: () => {},
      code: 'TimeoutError',
    },
  ];
  for (const c of cases) {
    it(`raises ConnectUnavailableError on ${c.name}`, async () => {
      const endpoint = await failingEndpoint(c.answer);
      try {
        const error = await endpoint.adapter.putDialRequests('cc-any', [request(950)]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConnectUnavailableError);
        expect(error).toMatchObject({ code: c.code });
        // Nothing of the request (a number) in the message: it reaches log lines.
        expect((error as Error).message).not.toContain('+86');
      } finally {
        await endpoint.stop();
      }
    });
  }

  it('leaves a 4xx (validation, access, a campaign gone) as the service raised it', async () => {
    const endpoint = await failingEndpoint((_req, res) =>
      res
        .writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' })
        .end(JSON.stringify({ message: 'not allowed' })),
    );
    try {
      const error = await endpoint.adapter.putDialRequests('cc-any', [request(951)]).catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(ConnectUnavailableError);
      expect(error).toMatchObject({ name: 'AccessDeniedException' });
    } finally {
      await endpoint.stop();
    }
    await expect(adapter.putDialRequests('cc-missing', [request(952)])).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
