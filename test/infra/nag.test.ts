import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it, vi } from 'vitest';
import { outcallApp, testApp } from '#test/infra/fixtures';

/** Runs the AwsSolutions pack the way synthesis does and lists every unacknowledged finding. */
function nagFindings(app: App): string[] {
  const report = new AwsSolutionsChecks().validateScope(app);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`),
  );
}

function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason })),
        ),
    );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds what it should on a bad bucket (the check below can fail)', () => {
    const app = testApp();
    new s3.Bucket(new Stack(app, 'Bad'), 'Open');

    expect(nagFindings(app)).toEqual(
      expect.arrayContaining([expect.stringMatching(/AwsSolutions-S1 /), expect.stringMatching(/AwsSolutions-S10 /)]),
    );
    expect(() => {
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      app.synth();
    }).toThrow(/AwsSolutions-S10/);
  });

  it('stays clean when a later function binds a bucket, a queue and the idempotency table', () => {
    const { app, stateful, stateless } = outcallApp('dev');
    const reportFunction = stateless
      .addFunction('ReportFunction', { entry: 'functions/api/handler.ts' })
      .bindBucketReadWrite(stateful.reportsBucket, { envName: 'REPORTS_BUCKET', keyPrefix: 'reports/' })
      .bindQueueSend(stateful.intakeQueue)
      .bindTableRead(stateful.idempotencyTable, { envName: 'IDEMPOTENCY_TABLE_NAME' });

    app.synth();

    expect(nagFindings(app)).toEqual([]);
    // The object wildcard is acknowledged once, on the shared policy of that exact grant, which the role attaches.
    const acks = acknowledgments(app);
    expect(acks.filter((a) => a.path.includes('ReportFunction'))).toEqual([]);
    const objectAcks = acks.filter((a) => /IAM5\[Resource::.*ReportsBucket.*\/reports\/\*\]$/.test(a.id));
    expect(objectAcks).toHaveLength(1);
    const policy = stateless.node.findAll().find((c) => c.node.path === objectAcks[0]?.path);
    expect(policy).toBeInstanceOf(iam.ManagedPolicy);
    const attached = stateless.resolve(
      (reportFunction.executionRole.node.defaultChild as iam.CfnRole).managedPolicyArns,
    );
    expect(attached).toContainEqual({ Ref: stateless.getLogicalId(policy?.node.defaultChild as CfnElement) });
  });

  it('stays clean when the CLI gives the stacks a Region, as `cdk synth` does', () => {
    vi.stubEnv('CDK_DEFAULT_REGION', 'us-east-1');
    try {
      const { app } = outcallApp('dev');
      const assembly = app.synth();
      expect(nagFindings(app)).toEqual([]);
      const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
        pluginReports: { violations?: { severity: string; ruleName?: string }[] }[];
      };
      expect(report.pluginReports.flatMap((p) => (p.violations ?? []).filter((v) => v.severity !== 'warning'))).toEqual(
        [],
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  for (const stage of ['dev', 'prod'] as const) {
    it(`reports no unacknowledged finding for ${stage} and synthesis passes validation`, () => {
      const { app } = outcallApp(stage);

      const assembly = app.synth();

      expect(nagFindings(app)).toEqual([]);
      const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
        pluginReports: { pluginName: string; violations?: { severity: string }[] }[];
      };
      const errors = report.pluginReports.flatMap((p) =>
        (p.violations ?? [])
          .filter((v) => v.severity !== 'warning')
          .map((v) => `${p.pluginName}: ${JSON.stringify(v)}`),
      );
      expect(errors).toEqual([]);
    });

    it(`keeps ${stage} acknowledgments few, specific and explained`, () => {
      const { app } = outcallApp(stage);
      app.synth();

      const acks = acknowledgments(app);
      // One per inherent wildcard (object prefixes, Connect ids unknown at deploy, X-Ray, CDK helpers) or DLQ.
      expect(acks.length).toBeLessThanOrEqual(15);
      for (const ack of acks) {
        expect(ack.id, ack.path).toMatch(/AwsSolutions-[A-Z0-9]+/);
        expect(ack.reason.length, ack.path).toBeGreaterThan(30);
        // An acknowledgment on the app or a whole stack would silence a rule for every resource in it.
        expect(ack.path.split('/').length, ack.path).toBeGreaterThan(1);
      }
    });
  }
});
