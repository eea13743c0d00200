/**
 * `npm start`: the campaigns API on embedded stand-ins — DynamoDB Local for the table, an in-process event log for the
 * bus — served on 127.0.0.1 through the same handler factory the Lambda uses. No AWS account, no Docker.
 *
 *   npm start                   serve until Ctrl-C (port: --port N, else $PORT, else 3000)
 *   npm start -- --once         (or CI=true) create examples/campaign.yaml over HTTP, start its pilot, print, exit 0
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { createHttpApi } from '#functions/api/http-api';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { startLocalHttpServer } from '#infra/local/http-server';
import { createTables } from '#infra/local/tables';
import { DynamoDbCampaignRepository } from '#shared/adapters/dynamodb/campaign-repository';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { systemClock } from '#shared/ports/clock';
import type { DomainEvent, EventPublisher } from '#shared/ports/event-publisher';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const LOCAL_REGION = 'us-east-1';
const EXAMPLE = new URL('../../examples/campaign.yaml', import.meta.url);

/** The bus stand-in: keeps events in memory and prints their detail types (details may carry actor ids only). */
class ConsoleEventPublisher implements EventPublisher {
  readonly published: DomainEvent[] = [];
  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      this.published.push(event);
      console.log(`  event  ${event.source} ${event.detailType}`);
    }
  }
}

const { values: args } = parseArgs({
  options: { once: { type: 'boolean', default: false }, port: { type: 'string' } },
  allowPositionals: false,
});
const once = args.once || process.env.CI === 'true';
// A one-shot run never collides with a server already on the usual port.
const port = once ? 0 : Number(args.port ?? process.env.PORT ?? 3000);

// The SDK must never look for real credentials nor reach AWS from here.
process.env.AWS_REGION = LOCAL_REGION;
process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;

console.log('outcall: starting DynamoDB Local…');
const dynamo = await startDynamoDbLocal();
const stops: (() => Promise<void>)[] = [() => dynamo.stop()];
let stopping: Promise<void> | undefined;
const stopAll = () => {
  stopping ??= (async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error('stop failed:', error));
  })();
  return stopping;
};

try {
  const client = createDocumentClient({
    endpoint: dynamo.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  stops.push(async () => client.destroy());
  const names = { main: 'outcall-main', idempotency: 'outcall-idempotency' };
  await createTables(client, names);

  const events = new ConsoleEventPublisher();
  const api = createHttpApi(
    { repository: new DynamoDbCampaignRepository({ client, tableName: names.main }), events, clock: systemClock },
    { timeoutEarlyInMillis: 0 },
  );
  const server = await startLocalHttpServer({
    handler: api,
    port,
    onRequest: ({ method, path, statusCode, ms }) =>
      console.log(`  http   ${method} ${path} → ${statusCode} (${ms} ms)`),
  });
  stops.push(() => server.close());

  console.log(`outcall: campaigns API on ${server.url}  (DynamoDB Local ${dynamo.endpoint}, table ${names.main})`);
  console.log('  try:   curl -s %s/campaigns -H "x-outcall-user: alice" -H "x-outcall-roles: planner"', server.url);

  if (once) {
    await demo(server.url);
    await stopAll();
    process.exit(0);
  }
  console.log('outcall: serving; Ctrl-C stops everything');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`\noutcall: ${signal}, stopping…`);
      void stopAll().then(() => process.exit(0));
    });
  }
} catch (error) {
  console.error('outcall: start failed:', error);
  await stopAll();
  process.exit(1);
}

/** One pass through the API as a planner would make it: create the example campaign, then start its pilot. */
async function demo(url: string): Promise<void> {
  if (!existsSync(EXAMPLE)) {
    console.log('outcall: no examples/campaign.yaml; nothing to demo');
    return;
  }
  const headers = { 'content-type': 'application/json', 'x-outcall-user': 'demo-planner' };
  const spec: unknown = parseYaml(readFileSync(EXAMPLE, 'utf8'));
  const created = await call(`${url}/campaigns`, { method: 'POST', headers, body: JSON.stringify(spec) }, 201);
  const id = String(created.id);
  console.log(
    `outcall: created ${id} "${String(created.name)}" (${String(created.state)}, revision ${created.revision})`,
  );
  const moved = await call(
    `${url}/campaigns/${id}/transitions`,
    { method: 'POST', headers, body: JSON.stringify({ action: 'startPilot', reason: 'local demo' }) },
    200,
  );
  const transition = moved.transition as Record<string, unknown>;
  console.log(`outcall: ${String(transition.action)}: ${String(transition.from)} → ${String(transition.to)}`);
  const campaign = moved.campaign as Record<string, unknown>;
  const { id: _id, state, revision, pilotSkipped } = campaign;
  console.log(JSON.stringify({ campaign: { id, state, revision, pilotSkipped }, transition }, null, 2));
}

async function call(url: string, init: RequestInit, expected: number): Promise<Record<string, unknown>> {
  const response = await fetch(url, init);
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== expected) {
    throw new Error(`${init.method} ${url} answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body;
}
