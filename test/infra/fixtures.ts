import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type OutcallApp } from '#infra/app';

const CDK_JSON = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

/** Real-looking prod deploy parameters (no placeholder, one given as an SSM reference). */
export const PROD_PARAMETERS = {
  connectInstanceId: 'ssm:/outcall/prod/connect-instance-id',
  connectInstanceArn: 'arn:aws:connect:ap-northeast-1:123456789012:instance/11111111-2222-4333-8444-555555555555',
  outboundContactFlowId: '11111111-2222-4333-8444-555555555556',
  sourcePhoneNumber: '+81312345678',
  managerEmails: 'lead@corp.example.cn,manager@corp.example.cn',
  sesSenderAddress: 'outcall@corp.example.cn',
  operatorsEmail: 'ops@corp.example.cn',
} as const;

/**
 * A new App with cdk.json's feature flags, the given context, and bundling skipped so templates build in seconds;
 * `npx cdk synth -q` is what proves the real bundling.
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...CDK_JSON.context, 'aws:cdk:bundling-stacks': [], ...context } });
}

/** The whole outcall app for a stage; prod gets {@link PROD_PARAMETERS}. */
export function outcallApp(stage: 'dev' | 'prod', context: Record<string, unknown> = {}): OutcallApp {
  return buildApp(testApp({ stage, ...(stage === 'prod' ? PROD_PARAMETERS : {}), ...context }));
}

/** A bare stack in a bundling-free app, for testing constructs alone. */
export function bareStack(id = 'Test'): Stack {
  return new Stack(testApp(), id);
}

export const templateOf = (stack: Stack): Template => Template.fromStack(stack);
