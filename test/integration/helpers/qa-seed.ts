import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { agentKey, attemptKey, attemptsOfAgentDayIndexKey, teamAgentIndexKey } from '#shared/adapters/dynamodb/keys';

/**
 * Attempt items in the shape outcomes writes them (shared/adapters/dynamodb/outcome-store.ts): identity, Connect
 * contact id, agent, local day, disposition, effective, talk time, indexed by agent and day in gsi3. `flags(i)` adds or
 * overrides attributes of the i-th attempt (complaint, doNotCall, recording…).
 */
export async function seedAttempts(
  client: DynamoDBDocumentClient,
  tableName: string,
  campaignId: string,
  agentId: string,
  day: string,
  count: number,
  flags: (i: number) => Record<string, unknown> = () => ({}),
): Promise<void> {
  const items = Array.from({ length: count }, (_, i) => {
    const phoneKey = `${agentId}-${String(i).padStart(6, '0')}`;
    const endedAt = `${day}T02:${String(i % 60).padStart(2, '0')}:00.000Z`;
    return {
      ...attemptKey(campaignId, phoneKey, 1),
      campaignId,
      phoneKey,
      attempt: 1,
      connectContactId: `contact-${agentId}-${i}`,
      agentId,
      day,
      outcome: 'SALE',
      disposition: 'SALE',
      effective: true,
      talkSeconds: 180,
      endedAt,
      finalizedAt: endedAt,
      ...attemptsOfAgentDayIndexKey(agentId, day, campaignId),
      ...flags(i),
    };
  });
  for (let i = 0; i < items.length; i += 25) {
    let request: Record<string, unknown[]> | undefined = {
      [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    while (request && Object.keys(request).length > 0) {
      const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: request as never }));
      request = UnprocessedItems as Record<string, unknown[]> | undefined;
    }
  }
}

/** An agent profile in a team, as the agents store writes it (gsi1 `TEAM#<team>` / `AGENT#<agent>`). */
export async function seedAgent(
  client: DynamoDBDocumentClient,
  tableName: string,
  teamId: string,
  agentId: string,
  startDate?: string,
): Promise<void> {
  await client.send(
    new BatchWriteCommand({
      RequestItems: {
        [tableName]: [
          {
            PutRequest: {
              Item: {
                ...agentKey(agentId),
                ...teamAgentIndexKey(teamId, agentId),
                id: agentId,
                teamId,
                active: true,
                ...(startDate ? { startDate } : {}),
              },
            },
          },
        ],
      },
    }),
  );
}
