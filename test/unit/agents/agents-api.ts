import { Logger } from '@aws-lambda-powertools/logger';
import { createHttpApi } from '#functions/api/http-api';
import { InMemoryCampaignRepository } from '#shared/adapters/memory/campaign-repository';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import type { world } from '#test/unit/agents/setup';

/**
 * The HTTP API with the agents use cases on the store and clock of an agents `world` (campaigns in an empty in-memory
 * repository), logging nothing. Kept apart from setup.ts so that the tests not going through HTTP do not load the API.
 */
export function agentsHttpApi(w: Pick<ReturnType<typeof world>, 'store' | 'clock'>) {
  return createHttpApi(
    {
      repository: new InMemoryCampaignRepository(),
      events: new InMemoryEventPublisher(),
      clock: w.clock,
      agents: { store: w.store, clock: w.clock },
    },
    { logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }), timeoutEarlyInMillis: 0 },
  );
}
