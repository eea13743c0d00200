import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { API_THROTTLE } from '#infra/stateless-stack';
import { outcallApp, templateOf } from '#test/infra/fixtures';

const { stateless } = outcallApp('dev');
const template = templateOf(stateless);

describe('stateless stack', () => {
  it('routes /campaigns, /qa, the order, team and agent routes (ANY) to one integration behind IAM auth', () => {
    const routeKeys = ['ANY /campaigns', 'ANY /campaigns/{proxy+}', 'ANY /qa/{proxy+}'];
    routeKeys.push('ANY /orders', 'ANY /orders/{proxy+}', 'ANY /order-reports/{proxy+}');
    routeKeys.push('ANY /teams', 'ANY /teams/{proxy+}', 'ANY /agents/{proxy+}', 'ANY /subjects/{proxy+}');
    for (const routeKey of routeKeys) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'AWS_IAM',
        Target: Match.anyValue(),
      });
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Route', routeKeys.length);
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('logs access to a retained-per-stage log group and throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpApiAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
      DefaultRouteSettings: {
        ThrottlingRateLimit: API_THROTTLE.rateLimit,
        ThrottlingBurstLimit: API_THROTTLE.burstLimit,
      },
    });
  });

  it('bundles the API handler as Node.js 24 on ARM64 with table and bus names in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          STAGE: 'dev',
          POWERTOOLS_METRICS_NAMESPACE: 'outcall',
          TABLE_NAME: Match.anyValue(),
          BUS_NAME: Match.anyValue(),
        }),
      },
    });
  });

  it('gives the functions least privilege: no wildcard action, and "*" only where an action has no resource', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const actions = statements.flatMap((s) => [s.Action].flat());

    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem', 'events:PutEvents']));
    expect(actions).not.toContain('dynamodb:*');
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    const onAnything = statements.filter((s) => JSON.stringify(s.Resource) === '"*"');
    expect(onAnything.map((s) => s.Action)).toEqual(['connect-campaigns:CreateCampaign']);
    const others = statements.filter((s) => !onAnything.includes(s));
    expect(JSON.stringify(others.map((s) => s.Resource))).not.toMatch(/"\*"|\/index\/\*/);
  });

  it('receives the stateful resources as typed references, not looked-up names', () => {
    const env = JSON.stringify(
      template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } }),
    );
    expect(env).toContain('Outcall-dev-Stateful');
  });
});
