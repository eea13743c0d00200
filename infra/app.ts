import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from '#infra/config';
import { StatefulStack } from '#infra/stateful-stack';
import { StatelessStack } from '#infra/stateless-stack';

/** The stacks of one stage, returned so that tests can inspect them. */
export interface OutcallApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * Builds the outcall CDK app for the stage in context (`-c stage=dev|prod`, default dev) with the AWS Solutions
 * cdk-nag pack registered, so synthesis fails on any unacknowledged finding.
 *
 * @param app defaults to a new App reading cdk.json and `-c` context
 */
export function buildApp(app: App = new App()): OutcallApp {
  const config = loadConfig(app);
  // Environment-agnostic unless the CLI found credentials: synth never needs an AWS account.
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const prefix = `Outcall-${config.stage}`;

  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    config,
    description: `outcall ${config.stage}: key, tables, buckets, queues, event bus, people's user pool`,
    terminationProtection: config.retainData,
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    config,
    description: `outcall ${config.stage}: functions and the campaigns APIs`,
    key: stateful.key,
    table: stateful.table,
    idempotencyTable: stateful.idempotencyTable,
    uploadsBucket: stateful.uploadsBucket,
    reportsBucket: stateful.reportsBucket,
    intakeQueue: stateful.intakeQueue,
    intakeDeadLetterQueue: stateful.intakeDeadLetterQueue,
    bus: stateful.bus,
    contactRecordStream: stateful.contactRecordStream,
    contactRecordFailureQueue: stateful.contactRecordFailureQueue,
    uploadQueues: stateful.uploadQueues,
    phoneKeySecret: stateful.phoneKeySecret,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
  });

  Tags.of(app).add('project', 'outcall');
  Tags.of(app).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stateful, stateless };
}

if (import.meta.main) {
  buildApp();
}
