import { describe, expect, it } from 'vitest';
import { outcallApp, templateOf } from '#test/infra/fixtures';

/**
 * Scheduler and EventBridge invoke Lambda asynchronously. Their own DLQ (on the schedule or rule target) only gets
 * events Lambda never accepted; an event Lambda accepted and the function then failed on (after Lambda's retries) or
 * that grew too old in Lambda's queue is dropped unless the function has an async DLQ or an on-failure destination.
 */

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

const ASYNC_PRINCIPALS = new Set(['events.amazonaws.com', 'scheduler.amazonaws.com']);

/** The logical id a `{ Ref }` or `{ Fn::GetAtt: [id, ...] }` points at, if it is one. */
function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ref = (value as { Ref?: unknown }).Ref;
  if (typeof ref === 'string') return ref;
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** Every async invocation source in a template, as `source → function logical id`. */
function asyncTargets(resources: Readonly<Record<string, Resource>>): Map<string, string> {
  const targets = new Map<string, string>();
  // A target that is a Lambda alias or version would escape the check below: fail loudly instead.
  const add = (source: string, arn: unknown) => {
    const id = referencedId(arn);
    const type = id === undefined ? undefined : resources[id]?.Type;
    if (type === 'AWS::Lambda::Function' && id !== undefined) targets.set(source, id);
    else if (type?.startsWith('AWS::Lambda::')) throw new Error(`${source} invokes a ${type}; extend this test`);
  };
  for (const [id, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::Scheduler::Schedule') {
      add(`schedule ${id}`, (props.Target as { Arn?: unknown } | undefined)?.Arn);
    } else if (resource.Type === 'AWS::Events::Rule') {
      for (const target of (props.Targets as { Id?: string; Arn?: unknown }[] | undefined) ?? []) {
        add(`rule ${id} target ${target.Id ?? '?'}`, target.Arn);
      }
    } else if (resource.Type === 'AWS::Lambda::Permission' && ASYNC_PRINCIPALS.has(String(props.Principal))) {
      add(`permission ${id}`, props.FunctionName);
    }
  }
  return targets;
}

/** The queue (logical id) a function's failed async events go to: its DeadLetterConfig or its OnFailure. */
function failureQueueOf(resources: Readonly<Record<string, Resource>>, functionId: string): string | undefined {
  const fn = resources[functionId];
  const dlq = referencedId((fn?.Properties?.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn);
  if (dlq !== undefined) return dlq;
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::Lambda::EventInvokeConfig') continue;
    if (referencedId(resource.Properties?.FunctionName) !== functionId) continue;
    const onFailure = (resource.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)
      ?.OnFailure?.Destination;
    const id = referencedId(onFailure);
    if (id !== undefined) return id;
  }
  return undefined;
}

/** Queues with a CloudWatch alarm on their depth. */
function alarmedQueues(resources: Readonly<Record<string, Resource>>): Set<string> {
  const queues = new Set<string>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::CloudWatch::Alarm' || resource.Properties?.Namespace !== 'AWS/SQS') continue;
    for (const dimension of (resource.Properties.Dimensions as { Name: string; Value: unknown }[] | undefined) ?? []) {
      const id = dimension.Name === 'QueueName' ? referencedId(dimension.Value) : undefined;
      if (id !== undefined) queues.add(id);
    }
  }
  return queues;
}

/** Whether a policy attached to the function's role allows `sqs:SendMessage` on the queue. */
function roleMaySend(resources: Readonly<Record<string, Resource>>, functionId: string, queueId: string): boolean {
  const roleId = referencedId(resources[functionId]?.Properties?.Role);
  const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
  return Object.values(resources).some((resource) => {
    if (resource.Type !== 'AWS::IAM::Policy') return false;
    if (!asList(resource.Properties?.Roles).some((r) => referencedId(r) === roleId)) return false;
    const document = resource.Properties?.PolicyDocument as { Statement?: Record<string, unknown>[] } | undefined;
    return (document?.Statement ?? []).some(
      (s) =>
        s.Effect === 'Allow' &&
        asList(s.Action).includes('sqs:SendMessage') &&
        asList(s.Resource).some((r) => referencedId(r) === queueId),
    );
  });
}

for (const stage of ['dev', 'prod'] as const) {
  describe(`asynchronously invoked functions (${stage})`, () => {
    const { stateless } = outcallApp(stage);
    const resources = templateOf(stateless).toJSON().Resources as Record<string, Resource>;
    const targets = asyncTargets(resources);
    const functions = [...new Set(targets.values())].sort();

    it('are found: every schedule and rule target of the stack', () => {
      // What the stack invokes today; a new schedule or rule adds to it and is checked below without changing this.
      for (const name of [
        'QaSamplerFunction',
        'ReminderTickFunction',
        'RosterSyncFunction',
        'DispatcherFunction',
        'ReconcilerFunction',
        'ReportTickFunction',
        'CampaignEvaluationFunction',
        'OrderPlacedFunction',
        'ContactEventsFunction',
      ]) {
        expect(
          functions.some((id) => id.startsWith(name)),
          name,
        ).toBe(true);
      }
    });

    it('each keep what they failed on in an alarmed queue their role may send to', () => {
      const alarmed = alarmedQueues(resources);
      const missing = functions.filter((id) => failureQueueOf(resources, id) === undefined);
      expect(missing, 'functions without an async DLQ or on-failure destination').toEqual([]);
      for (const id of functions) {
        const queue = failureQueueOf(resources, id) ?? '';
        expect(alarmed.has(queue), `${id} → ${queue} has a depth alarm`).toBe(true);
        expect(roleMaySend(resources, id, queue), `${id} may send to ${queue}`).toBe(true);
      }
    });

    it('use one mechanism, the function DLQ, which cdk-nag recognises (an on-failure destination it does not)', () => {
      const withoutDlq = functions.filter((id) => resources[id]?.Properties?.DeadLetterConfig === undefined);
      expect(withoutDlq).toEqual([]);
    });

    it('each have their schedule or rule target dead-lettered to an alarmed queue as well', () => {
      const alarmed = alarmedQueues(resources);
      for (const [id, resource] of Object.entries(resources)) {
        const props = resource.Properties ?? {};
        const dlqs =
          resource.Type === 'AWS::Scheduler::Schedule'
            ? [(props.Target as { DeadLetterConfig?: { Arn?: unknown } }).DeadLetterConfig?.Arn]
            : resource.Type === 'AWS::Events::Rule'
              ? ((props.Targets as { DeadLetterConfig?: { Arn?: unknown } }[] | undefined) ?? []).map(
                  (t) => t.DeadLetterConfig?.Arn,
                )
              : [];
        for (const arn of dlqs) expect(alarmed.has(referencedId(arn) ?? ''), `${id} target DLQ`).toBe(true);
      }
    });

    it('do not retry a superseded every-minute tick, and drop it to the DLQ within minutes', () => {
      for (const name of ['ReminderTickFunction', 'DispatcherFunction']) {
        const fnId = functions.find((id) => id.startsWith(name));
        const config = Object.values(resources).find(
          (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && referencedId(r.Properties?.FunctionName) === fnId,
        );
        expect(config?.Properties?.MaximumRetryAttempts, name).toBe(0);
        expect(config?.Properties?.MaximumEventAgeInSeconds, name).toBeLessThanOrEqual(300);
      }
    });
  });
}
