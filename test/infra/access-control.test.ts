import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  PEOPLE_PASSWORD_POLICY,
  PEOPLE_REFRESH_TOKEN_VALIDITY,
  PEOPLE_TOKEN_VALIDITY,
} from '#infra/constructs/people-user-pool';
import { ROLES } from '#shared/http/authorization';
import { outcallApp, templateOf } from '#test/infra/fixtures';

const dev = outcallApp('dev');
const stateful = templateOf(dev.stateful);
const stateless = templateOf(dev.stateless);
const prodStateful = templateOf(outcallApp('prod').stateful);

/** What `Template.findResources` returns: logical id → resource (type, properties, policies). */
type Resources = ReturnType<Template['findResources']>;

function only(template: Template, type: string): [string, Resources[string]] {
  const found = Object.entries(template.findResources(type) as Resources);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resources[string]];
}

/**
 * The stateful stack's logical id behind a value the stateless stack takes from it, whatever the cross-stack
 * mechanism (`Fn::GetStackOutput` or an export / `Fn::ImportValue`).
 */
function statefulRef(value: unknown): string | undefined {
  const outputs = stateful.toJSON().Outputs as Record<string, { Value: { Ref?: string }; Export?: { Name: unknown } }>;
  const v = value as { 'Fn::GetStackOutput'?: { OutputName: string }; 'Fn::ImportValue'?: unknown };
  if (v['Fn::GetStackOutput']) return outputs[v['Fn::GetStackOutput'].OutputName]?.Value.Ref;
  if (v['Fn::ImportValue']) {
    const name = JSON.stringify(v['Fn::ImportValue']);
    return Object.values(outputs).find((o) => JSON.stringify(o.Export?.Name) === name)?.Value.Ref;
  }
  return undefined;
}

describe("the people's user pool", () => {
  const [poolId, pool] = only(stateful, 'AWS::Cognito::UserPool');

  it('is filled by administrators only, signs in by e-mail and recovers by e-mail', () => {
    expect(pool.Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(pool.Properties.UsernameAttributes).toEqual(['email']);
    expect(pool.Properties.UsernameConfiguration).toEqual({ CaseSensitive: false });
    expect(pool.Properties.AccountRecoverySetting).toEqual({
      RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }],
    });
  });

  it('requires TOTP MFA of everyone, and no SMS', () => {
    expect(pool.Properties.MfaConfiguration).toBe('ON');
    expect(pool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
  });

  it('has a strong password policy, above the cdk-nag floor', () => {
    const policy = pool.Properties.Policies.PasswordPolicy;
    expect(policy).toEqual({
      MinimumLength: PEOPLE_PASSWORD_POLICY.minLength,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 3,
      PasswordHistorySize: PEOPLE_PASSWORD_POLICY.passwordHistorySize,
    });
    expect(policy.MinimumLength).toBeGreaterThanOrEqual(12);
  });

  it('enforces threat protection on the Plus plan, blocking leaked passwords and high-risk sign-ins', () => {
    expect(pool.Properties.UserPoolTier).toBe('PLUS');
    expect(pool.Properties.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    const [, risk] = only(stateful, 'AWS::Cognito::UserPoolRiskConfigurationAttachment');
    expect(risk.Properties).toMatchObject({
      UserPoolId: { Ref: poolId },
      ClientId: 'ALL',
      CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK' } },
      AccountTakeoverRiskConfiguration: { Actions: { HighAction: { EventAction: 'BLOCK' } } },
    });
  });

  it('is retained and protected from deletion in prod, disposable in dev', () => {
    const [, prodPool] = only(prodStateful, 'AWS::Cognito::UserPool');
    expect(prodPool.DeletionPolicy).toBe('Retain');
    expect(prodPool.Properties.DeletionProtection).toBe('ACTIVE');
    expect(pool.DeletionPolicy).toBe('Delete');
    expect(pool.Properties.DeletionProtection).toBe('INACTIVE');
  });

  it('has one group per API role, named exactly as ROLES', () => {
    const groups = Object.values(stateful.findResources('AWS::Cognito::UserPoolGroup') as Resources);
    expect(groups.map((g) => g.Properties.GroupName).sort()).toEqual([...ROLES].sort());
    for (const group of groups) expect(group.Properties.UserPoolId).toEqual({ Ref: poolId });
  });

  it('has one public app client: SRP and code with PKCE only, short tokens, no user-existence errors', () => {
    const [, client] = only(stateful, 'AWS::Cognito::UserPoolClient');
    expect(client.Properties).toMatchObject({
      UserPoolId: { Ref: poolId },
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AccessTokenValidity: PEOPLE_TOKEN_VALIDITY.toMinutes(),
      IdTokenValidity: PEOPLE_TOKEN_VALIDITY.toMinutes(),
      RefreshTokenValidity: PEOPLE_REFRESH_TOKEN_VALIDITY.toMinutes(),
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
    });
    expect([...client.Properties.ExplicitAuthFlows].sort()).toEqual([
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_SRP_AUTH',
    ]);
    expect(PEOPLE_TOKEN_VALIDITY.toHours()).toBeLessThanOrEqual(1);
    expect(PEOPLE_REFRESH_TOKEN_VALIDITY.toHours()).toBeLessThanOrEqual(12);
    // The CLI's loopback address by default; -c signInCallbackUrls adds the web app's.
    expect(client.Properties.CallbackURLs).toEqual(['http://localhost:8976/callback']);
  });

  it("holds an agent's Connect id in custom:agentId, readable by the app client and writable by administrators only", () => {
    const schema = pool.Properties.Schema as { Name: string; AttributeDataType: string; Mutable?: boolean }[];
    expect(schema).toContainEqual(
      expect.objectContaining({ Name: 'agentId', AttributeDataType: 'String', Mutable: true }),
    );
    const [, client] = only(stateful, 'AWS::Cognito::UserPoolClient');
    expect(client.Properties.ReadAttributes).toContain('custom:agentId');
    // The id the API trusts for "own records" cannot be set by the person it identifies.
    expect(client.Properties.WriteAttributes).toEqual(['email']);
  });

  it('sends the code to the web app named in context', () => {
    const app = outcallApp('dev', {
      signInCallbackUrls: 'https://outcall.corp.example/callback,http://localhost:8976/callback',
    });
    const [, client] = only(templateOf(app.stateful), 'AWS::Cognito::UserPoolClient');
    expect(client.Properties.CallbackURLs).toEqual([
      'https://outcall.corp.example/callback',
      'http://localhost:8976/callback',
    ]);
  });

  it('has a sign-in domain and outputs the pool id, the client id and the sign-in URL', () => {
    const [domainId, domain] = only(stateful, 'AWS::Cognito::UserPoolDomain');
    expect(domain.Properties.UserPoolId).toEqual({ Ref: poolId });
    const [clientId] = only(stateful, 'AWS::Cognito::UserPoolClient');
    const outputs = stateful.toJSON().Outputs;
    expect(outputs.PeopleUserPoolId.Value).toEqual({ Ref: poolId });
    expect(outputs.PeopleAppClientId.Value).toEqual({ Ref: clientId });
    expect(JSON.stringify(outputs.PeopleSignInUrl.Value)).toContain(domainId);
  });
});

describe('the two campaigns APIs', () => {
  const apiIdOf = (api: typeof dev.stateless.peopleApi) =>
    dev.stateless.getLogicalId(api.node.defaultChild as CfnElement);
  const peopleApiId = apiIdOf(dev.stateless.peopleApi);
  const machineApiId = apiIdOf(dev.stateless.machineApi);
  const routes = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route') as Resources);
  const routesOf = (apiId: string) => routes.filter((r) => r.Properties.ApiId.Ref === apiId);
  const integrations = stateless.findResources('AWS::ApiGatewayV2::Integration') as Resources;
  /** Route key → the logical id of the function its integration invokes. */
  const functionsOf = (apiId: string) =>
    Object.fromEntries(
      routesOf(apiId).map((route) => {
        const integrationId = (JSON.stringify(route.Properties.Target).match(/"Ref":"([^"]+)"/) ?? [])[1] ?? '';
        const integration = integrations[integrationId];
        expect(integration?.Properties.ApiId, route.Properties.RouteKey).toEqual({ Ref: apiId });
        return [route.Properties.RouteKey, integration?.Properties.IntegrationUri['Fn::GetAtt']?.[0]];
      }),
    );

  it("puts every people's route behind the JWT authorizer of the pool's issuer and the app client audience", () => {
    const [authorizerId, authorizer] = only(stateless, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties).toMatchObject({
      ApiId: { Ref: peopleApiId },
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
    const [poolId] = only(stateful, 'AWS::Cognito::UserPool');
    const [clientId] = only(stateful, 'AWS::Cognito::UserPoolClient');
    const { Audience, Issuer } = authorizer.Properties.JwtConfiguration;
    expect(Audience.map(statefulRef)).toEqual([clientId]);
    const [, issuerParts] = Issuer['Fn::Join'] as [string, unknown[]];
    expect(issuerParts[0]).toBe('https://cognito-idp.');
    expect(issuerParts.map(statefulRef)).toContain(poolId);

    const people = routesOf(peopleApiId);
    expect(people.length).toBeGreaterThan(0);
    for (const route of people) {
      expect(route.Properties, route.Properties.RouteKey).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
    }
  });

  it('puts every machine route behind IAM', () => {
    const machine = routesOf(machineApiId);
    expect(machine.length).toBeGreaterThan(0);
    for (const route of machine) {
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe('AWS_IAM');
      expect(route.Properties.AuthorizerId, route.Properties.RouteKey).toBeUndefined();
    }
  });

  it('serves the same routes with the same functions on both', () => {
    const people = functionsOf(peopleApiId);
    const machine = functionsOf(machineApiId);
    expect(people).toEqual(machine);
    expect(Object.keys(people)).toContain('ANY /campaigns');
    expect(people['ANY /subjects/{proxy+}']).toMatch(/^SubjectsApiFunction/);
    expect(people['ANY /campaigns']).toMatch(/^CampaignsApiFunction/);
  });

  it('lets API Gateway invoke each function from either API only', () => {
    const permissions = Object.values(stateless.findResources('AWS::Lambda::Permission') as Resources).filter(
      (p) => p.Properties.Principal === 'apigateway.amazonaws.com',
    );
    const sources = permissions.map((p) => JSON.stringify(p.Properties.SourceArn));
    expect(sources.some((s) => s.includes(peopleApiId))).toBe(true);
    expect(sources.some((s) => s.includes(machineApiId))).toBe(true);
    for (const source of sources) expect(source.includes(peopleApiId) || source.includes(machineApiId)).toBe(true);
  });

  it('outputs both URLs', () => {
    const outputs = stateless.toJSON().Outputs;
    expect(outputs.PeopleApiUrl.Value).toEqual({ 'Fn::GetAtt': [peopleApiId, 'ApiEndpoint'] });
    expect(outputs.MachineApiUrl.Value).toEqual({ 'Fn::GetAtt': [machineApiId, 'ApiEndpoint'] });
  });
});

describe("CORS on the people's API", () => {
  const routeKeysOf = (app: ReturnType<typeof outcallApp>, api: 'peopleApi' | 'machineApi') => {
    const apiId = app.stateless.getLogicalId(app.stateless[api].node.defaultChild as CfnElement);
    const template = templateOf(app.stateless);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route') as Resources).filter(
      (r) => r.Properties.ApiId.Ref === apiId,
    );
    const cors = (template.findResources('AWS::ApiGatewayV2::Api') as Resources)[apiId]?.Properties.CorsConfiguration;
    return { routes, cors };
  };

  it('answers only the web apps the sign-in page returns to; every route still needs a token', () => {
    const app = outcallApp('dev', {
      signInCallbackUrls:
        'http://localhost:8976/callback,https://outcall.corp.example/callback,https://outcall.corp.example/x',
    });
    const people = routeKeysOf(app, 'peopleApi');
    expect(people.cors).toMatchObject({
      AllowOrigins: ['https://outcall.corp.example'],
      AllowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      AllowHeaders: expect.arrayContaining(['authorization', 'content-type', 'if-match']),
      ExposeHeaders: expect.arrayContaining(['etag', 'location']),
      AllowCredentials: false,
    });
    // No route may match a preflight (an ANY route would, and refuse it at the authorizer): API Gateway answers it.
    const keys = people.routes.map((r) => String(r.Properties.RouteKey));
    expect(keys.filter((k) => k.startsWith('ANY ') || k.startsWith('OPTIONS '))).toEqual([]);
    const machine = routeKeysOf(app, 'machineApi');
    const paths = machine.routes.map((r) => String(r.Properties.RouteKey).replace(/^ANY /, '')).sort();
    for (const path of paths) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) expect(keys).toContain(`${method} ${path}`);
    }
    for (const route of people.routes)
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe('JWT');
    expect(machine.cors).toBeUndefined();
    expect(machine.routes.every((r) => r.Properties.AuthorizationType === 'AWS_IAM')).toBe(true);
    // One invoke permission per API and function, not one per route: a function's resource policy is capped at 20 KB.
    const permissions = Object.values(
      templateOf(app.stateless).findResources('AWS::Lambda::Permission') as Resources,
    ).filter((p) => p.Properties.Principal === 'apigateway.amazonaws.com');
    expect(permissions.length).toBeLessThanOrEqual(4);
  });

  it('sends no CORS headers and opens no route when only the CLI signs in', () => {
    const people = routeKeysOf(dev, 'peopleApi');
    expect(people.cors).toBeUndefined();
    expect(people.routes.some((r) => String(r.Properties.RouteKey).startsWith('OPTIONS '))).toBe(false);
  });
});
