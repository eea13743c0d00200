import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { API_THROTTLE } from '#infra/stateless-stack';
import { outcallApp, templateOf } from '#test/infra/fixtures';

const { stateless } = outcallApp('dev');
const template = templateOf(stateless);

describe('stateless stack', () => {
  it('routes /campaigns, /qa, the order, team and agent routes to the API function and /subjects to its own, on the machine (IAM) and people (JWT) APIs', () => {
    const routeKeys = ['ANY /campaigns', 'ANY /campaigns/{proxy+}', 'ANY /qa/{proxy+}'];
    routeKeys.push('ANY /orders', 'ANY /orders/{proxy+}', 'ANY /order-reports/{proxy+}');
    routeKeys.push('ANY /teams', 'ANY /teams/{proxy+}', 'ANY /agents/{proxy+}', 'ANY /subjects/{proxy+}');
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    for (const [api, authorizationType] of [
      [stateless.machineApi, 'AWS_IAM'],
      [stateless.peopleApi, 'JWT'],
    ] as const) {
      const apiId = stateless.getLogicalId(api.node.defaultChild as CfnElement);
      const onApi = routes.filter((r) => r.Properties?.ApiId?.Ref === apiId);
      expect(onApi.map((r) => r.Properties.RouteKey).sort(), apiId).toEqual([...routeKeys].sort());
      for (const route of onApi)
        expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe(authorizationType);
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2 * routeKeys.length);
    // The main API function and the data-subject function, once per API.
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 4);
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('gives the phone-key secret to the data-subject function only, and routes /subjects to it on both APIs', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const withSecret = Object.entries(functions).filter(
      ([, r]) => r.Properties?.Environment?.Variables?.PHONE_KEY_SECRET,
    );
    const ids = withSecret.map(([id]) => id);
    expect(ids.some((id) => id.startsWith('SubjectsApiFunction'))).toBe(true);
    expect(ids.some((id) => id.startsWith('CampaignsApiFunction'))).toBe(false);
    const subjectsRoutes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter(
      (r) => r.Properties?.RouteKey === 'ANY /subjects/{proxy+}',
    );
    const subjectsIntegrations = Object.entries(template.findResources('AWS::ApiGatewayV2::Integration'))
      .filter(([, r]) => JSON.stringify(r.Properties?.IntegrationUri).includes('SubjectsApiFunction'))
      .map(([id]) => id);
    expect(subjectsRoutes).toHaveLength(2);
    expect(subjectsIntegrations).toHaveLength(2);
    const targets = subjectsRoutes.map((r) => JSON.stringify(r.Properties?.Target));
    for (const integrationId of subjectsIntegrations) {
      expect(targets.filter((t) => t.includes(`"${integrationId}"`))).toHaveLength(1);
    }
  });

  it('logs access to a log group of its own per API, kept per stage, and throttles each API stage the same', () => {
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    const byApi = new Map(stages.map((stage) => [stage.Properties.ApiId.Ref as string, stage.Properties]));
    expect(byApi.size).toBe(2);
    for (const [api, logGroupPrefix, caller] of [
      [stateless.machineApi, 'HttpApiAccessLogs', '$context.identity.caller'],
      [stateless.peopleApi, 'PeopleApiAccessLogs', '$context.authorizer.claims.sub'],
    ] as const) {
      const stage = byApi.get(stateless.getLogicalId(api.node.defaultChild as CfnElement));
      expect(stage).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: API_THROTTLE.rateLimit,
          ThrottlingBurstLimit: API_THROTTLE.burstLimit,
        },
      });
      const [logGroupId, destinationAttribute] = stage?.AccessLogSettings.DestinationArn['Fn::GetAtt'] ?? [];
      expect(logGroupId).toMatch(new RegExp(`^${logGroupPrefix}`));
      expect(destinationAttribute).toBe('Arn');
      expect(logGroups[logGroupId]?.Properties.RetentionInDays).toBe(30);
      const format = JSON.parse(stage?.AccessLogSettings.Format) as Record<string, string>;
      expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', caller });
    }
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
