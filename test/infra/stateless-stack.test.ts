import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { API_THROTTLE } from '#infra/stateless-stack';
import { outcallApp, templateOf } from '#test/infra/fixtures';

const { stateless } = outcallApp('dev');
const template = templateOf(stateless);

describe('stateless stack', () => {
  it('routes /campaigns, /qa, the order, team and agent routes to the API function and /subjects to its own, behind IAM auth', () => {
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
    // The main API function and the data-subject function.
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 2);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('gives the phone-key secret to the data-subject function only, and routes /subjects to it', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const withSecret = Object.entries(functions).filter(
      ([, r]) => r.Properties?.Environment?.Variables?.PHONE_KEY_SECRET,
    );
    const ids = withSecret.map(([id]) => id);
    expect(ids.some((id) => id.startsWith('SubjectsApiFunction'))).toBe(true);
    expect(ids.some((id) => id.startsWith('CampaignsApiFunction'))).toBe(false);
    const subjectsRoute = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).find(
      (r) => r.Properties?.RouteKey === 'ANY /subjects/{proxy+}',
    );
    const target = JSON.stringify(subjectsRoute?.Properties?.Target);
    const integrationId = Object.entries(template.findResources('AWS::ApiGatewayV2::Integration')).find(([, r]) =>
      JSON.stringify(r.Properties?.IntegrationUri).includes('SubjectsApiFunction'),
    )?.[0];
    expect(integrationId).toBeDefined();
    expect(target).toContain(String(integrationId));
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

  it('gives the functions least privilege: no wildcard action, and no statement on "*"', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const actions = statements.flatMap((s) => [s.Action].flat());

    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem', 'events:PutEvents']));
    expect(actions).not.toContain('dynamodb:*');
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    // CreateCampaign is authorised on the campaign ARN; only the shared X-Ray policy (a managed policy) needs "*".
    expect(JSON.stringify(statements.map((s) => s.Resource))).not.toMatch(/"\*"|\/index\/\*/);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['connect-campaigns:CreateCampaign']),
        Resource: { 'Fn::Join': ['', expect.arrayContaining([':connect-campaigns:', ':campaign/*'])] },
      }),
    );
  });

  it('receives the stateful resources as typed references, not looked-up names', () => {
    const env = JSON.stringify(
      template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } }),
    );
    expect(env).toContain('Outcall-dev-Stateful');
  });
});
