import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher, EventPublishError } from '#shared/adapters/eventbridge/event-publisher';
import type { DomainEvent } from '#shared/ports/event-publisher';

const eventBridge = mockClient(EventBridgeClient);

const events = (n: number): DomainEvent[] =>
  Array.from({ length: n }, (_, i) => ({ source: 'outcall.test', detailType: 'Thing', detail: { n: i } }));

describe('EventBridgePublisher', () => {
  beforeEach(() => {
    eventBridge.reset();
  });

  it('sends events to the configured bus in chunks of 10 with JSON detail', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const publisher = new EventBridgePublisher({ client: new EventBridgeClient({}), busName: 'outcall-bus' });

    await publisher.publish(events(23));

    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls[2]?.args[0].input.Entries?.[2]).toEqual({
      EventBusName: 'outcall-bus',
      Source: 'outcall.test',
      DetailType: 'Thing',
      Detail: '{"n":22}',
    });
  });

  it('sends nothing for no events', async () => {
    const publisher = new EventBridgePublisher({ client: new EventBridgeClient({}), busName: 'outcall-bus' });
    await publisher.publish([]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('throws naming the failure codes when some entries were refused, after trying every chunk', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: '1' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' },
        ],
      })
      .resolves({ FailedEntryCount: 0, Entries: [] });
    const publisher = new EventBridgePublisher({ client: new EventBridgeClient({}), busName: 'outcall-bus' });

    const error = await publisher.publish(events(12)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EventPublishError);
    expect((error as EventPublishError).failureCodes).toEqual(['ThrottlingException', 'InternalFailure']);
    expect((error as Error).message).toMatch(/2 of 12 .*ThrottlingException.*InternalFailure/);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('lets an SDK error through', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('AccessDenied'));
    const publisher = new EventBridgePublisher({ client: new EventBridgeClient({}), busName: 'outcall-bus' });
    await expect(publisher.publish(events(1))).rejects.toThrow('AccessDenied');
  });
});
