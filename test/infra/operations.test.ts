import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { METRIC_SOURCES } from '#infra/constructs/operations';
import { METRIC } from '#shared/observability/metric-names';
import { outcallApp } from '#test/infra/fixtures';

function templates() {
  const { stateful, stateless } = outcallApp('prod');
  return { stateful: Template.fromStack(stateful), stateless: Template.fromStack(stateless) };
}

describe('Operations', () => {
  it('sends alarms to a KMS-encrypted, TLS-only topic with the operators e-mail', () => {
    const { stateless } = templates();
    stateless.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    stateless.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@corp.example.cn' });
    stateless.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
  });

  it('alarms on every dead-letter queue, every function error rate, throttles, stale dials and idle campaigns', () => {
    const { stateless } = templates();
    const alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: { AlarmDescription?: string; AlarmActions?: unknown[] };
    }[];
    const descriptions = alarms.map((a) => a.Properties.AlarmDescription ?? '');
    expect(descriptions.filter((d) => d.includes('Redrive a dead-letter queue'))).toHaveLength(3);
    const functions = Object.keys(stateless.findResources('AWS::Lambda::Function')).filter(
      (id) => !id.startsWith('Custom') && !id.includes('LogRetention'),
    );
    expect(descriptions.filter((d) => d.includes('of invocations failed')).length).toBeGreaterThanOrEqual(
      functions.length,
    );
    for (const text of [
      'throttle',
      'Dials without an outcome',
      'dialed nothing for 15 minutes',
      'stream batch redelivered with fewer records',
    ]) {
      expect(
        descriptions.some((d) => d.includes(text)),
        text,
      ).toBe(true);
    }
    for (const alarm of alarms)
      expect(alarm.Properties.AlarmActions, alarm.Properties.AlarmDescription).toHaveLength(1);
    stateless.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('reads every outcall metric as functions publish it: a METRIC name under a deployed service', () => {
    const { stateless } = templates();
    const services = new Set(
      (
        Object.values(stateless.findResources('AWS::Lambda::Function')) as {
          Properties: { Environment?: { Variables?: Record<string, unknown> } };
        }[]
      ).map((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME),
    );
    const names = new Set<string>(Object.values(METRIC));
    type Stat = { Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: unknown }[] } };
    const read: { name: string; dimensions: { Name: string; Value: unknown }[]; stat?: string; period?: number }[] = [];
    for (const alarm of Object.values(stateless.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: {
        Namespace?: string;
        MetricName?: string;
        Dimensions?: { Name: string; Value: unknown }[];
        Statistic?: string;
        Period?: number;
        Metrics?: { MetricStat?: Stat & { Stat: string; Period: number } }[];
      };
    }[]) {
      const p = alarm.Properties;
      if (p.Namespace === 'outcall' && p.MetricName) {
        read.push({ name: p.MetricName, dimensions: p.Dimensions ?? [], stat: p.Statistic, period: p.Period });
      }
      for (const m of p.Metrics ?? []) {
        const stat = m.MetricStat;
        if (stat?.Metric.Namespace === 'outcall') {
          const { MetricName: name, Dimensions: dimensions = [] } = stat.Metric;
          read.push({ name, dimensions, stat: stat.Stat, period: stat.Period });
        }
      }
    }
    // Dashboard lines are arrays: [namespace, name, dimension, value, ..., {options}].
    const body = JSON.stringify(Object.values(stateless.findResources('AWS::CloudWatch::Dashboard'))[0]);
    const lines = [...body.matchAll(/\[\\"outcall\\",\\"(\w+)\\",\\"(\w+)\\",\\"([\w-]+)\\"/g)];
    for (const [, name, dimension, value] of lines) {
      read.push({ name: String(name), dimensions: [{ Name: String(dimension), Value: value }] });
    }

    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(read.map((r) => r.name)).toEqual(
      expect.arrayContaining(['Throttles', 'StaleDialsReconciled', 'IdleActiveCampaigns', 'Dials', 'RowsIngested']),
    );
    for (const r of read) {
      expect(names.has(r.name), `${r.name} is not in METRIC`).toBe(true);
      // A metric is its name and its dimensions: without the service the publishers send, an alarm reads nothing.
      expect(r.dimensions, r.name).toEqual([{ Name: 'service', Value: expect.any(String) }]);
      expect(services.has(r.dimensions[0]?.Value), `${r.name}: no function is service ${r.dimensions[0]?.Value}`).toBe(
        true,
      );
      expect(METRIC_SOURCES[r.name as keyof typeof METRIC_SOURCES]).toContain(r.dimensions[0]?.Value);
    }
    // The idle alarm reads the dispatcher's per-minute figure, its lowest value in each minute.
    expect(read).toContainEqual({
      name: 'IdleActiveCampaigns',
      dimensions: [{ Name: 'service', Value: 'dispatcher' }],
      stat: 'Minimum',
      period: 60,
    });
    for (const service of Object.values(METRIC_SOURCES).flat()) expect(services.has(service), service).toBe(true);
  });

  it('keeps data at rest under the customer-managed key with rotation, and TLS only', () => {
    const { stateful } = templates();
    stateful.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    for (const table of Object.values(stateful.findResources('AWS::DynamoDB::Table')) as {
      Properties: { SSESpecification?: { SSEType?: string; KMSMasterKeyId?: unknown } };
    }[]) {
      expect(table.Properties.SSESpecification?.SSEType).toBe('KMS');
      expect(table.Properties.SSESpecification?.KMSMasterKeyId).toBeDefined();
    }
    for (const queue of Object.values(stateful.findResources('AWS::SQS::Queue')) as {
      Properties: { KmsMasterKeyId?: unknown };
    }[]) {
      expect(queue.Properties.KmsMasterKeyId).toBeDefined();
    }
    const policies = Object.values(stateful.findResources('AWS::S3::BucketPolicy')) as {
      Properties: { PolicyDocument: { Statement: { Effect: string; Condition?: unknown }[] } };
    }[];
    expect(policies.length).toBeGreaterThanOrEqual(3);
    for (const p of policies) {
      expect(
        p.Properties.PolicyDocument.Statement.some(
          (s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'),
        ),
      ).toBe(true);
    }
  });

  it('lets Amazon Connect invoke only the flow functions, and only from the configured instance', () => {
    const { stateless } = templates();
    const permissions = Object.values(stateless.findResources('AWS::Lambda::Permission')) as {
      Properties: { Principal: string; SourceArn?: unknown; FunctionName: unknown };
    }[];
    const connect = permissions.filter((p) => p.Properties.Principal === 'connect.amazonaws.com');
    expect(connect.length).toBeGreaterThanOrEqual(2);
    for (const p of connect) {
      expect(p.Properties.SourceArn).toBe(
        'arn:aws:connect:ap-northeast-1:123456789012:instance/11111111-2222-4333-8444-555555555555',
      );
    }
    const flowFunctions = new Set(connect.map((p) => JSON.stringify(p.Properties.FunctionName)));
    expect(flowFunctions.size).toBe(connect.length);
    for (const name of flowFunctions) expect(name).toMatch(/Disposition|CallStart/);
  });
});
