import { CfnOutput, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES, type Role } from '#shared/http/authorization';

/** The custom attribute holding an agent's Amazon Connect user id; in tokens it is the claim `custom:agentId`. */
export const AGENT_ID_ATTRIBUTE = 'agentId';
/** Lifetime of the access and id tokens people send to the API: a stolen token is useful for an hour at most. */
export const PEOPLE_TOKEN_VALIDITY = Duration.hours(1);
/** Lifetime of a refresh token: one working day (a shift and its overtime); after that, sign in again with MFA. */
export const PEOPLE_REFRESH_TOKEN_VALIDITY = Duration.hours(12);
/** The password rules, above cdk-nag's floor (AwsSolutions-COG1: 8 characters, upper case, digits, symbols). */
export const PEOPLE_PASSWORD_POLICY = {
  minLength: 14,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
  // An administrator's temporary password is only good until the person's first sign-in, within three days.
  tempPasswordValidity: Duration.days(3),
  passwordHistorySize: 5,
} as const satisfies cognito.PasswordPolicy;

/** What each user-pool group stands for; the group names are the API's roles (`ROLES`), spelled exactly so. */
const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  planner: 'Campaign planners (外呼策划): campaigns, lists, transitions, teams and agents',
  agent: 'Agents (电销员): their own logs, plans, evaluations and orders',
  qa: 'QA evaluators (质检): scorecards, the QA queue, evaluations',
  teamLead: 'Team leads (组长); add the group team:<teamId> for each team they lead',
  manager: 'Managers (主管 / 经理): read everything, transitions, scorecards',
  admin: 'Operators: everything, and data-subject requests',
  fulfilment: 'Stores and logistics (门店 / 物流): order updates and order reports',
};

/** Props of {@link PeopleUserPool}. */
export interface PeopleUserPoolProps {
  /** e.g. `prod`: names the pool and the sign-in domain. */
  readonly stage: string;
  /** True in prod: the pool refuses deletion. */
  readonly retainData: boolean;
  /** RETAIN in prod, DESTROY in dev (users are state). */
  readonly removalPolicy: RemovalPolicy;
  /** Where the sign-in page may return the authorization code (the CLI's loopback, the web app). */
  readonly callbackUrls: readonly string[];
}

/**
 * The people who sign in to outcall (planners, agents, QA, leads, managers, admins, fulfilment): a Cognito user pool
 * that administrators fill (no self sign-up), sign-in by e-mail with TOTP MFA required and threat protection
 * enforced, one group per API role, and one public app client (no secret) for the web app and the CLI.
 * Machine callers do not use it: they sign requests with an IAM role named `outcall-<role>`.
 */
export class PeopleUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  /** The outcall web/CLI client: SRP and authorization code with PKCE only. */
  readonly client: cognito.UserPoolClient;
  /** The hosted sign-in pages (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  readonly domain: cognito.UserPoolDomain;
  /** One group per role of `ROLES`, by role. */
  readonly groups: Readonly<Record<Role, cognito.UserPoolGroup>>;

  constructor(scope: Construct, id: string, props: PeopleUserPoolProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `outcall-${props.stage}-people`,
      // Only administrators create accounts: a telemarketing floor's customer lists are not for strangers.
      selfSignUpEnabled: false,
      signInAliases: { email: true, username: false },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      // An agent's Amazon Connect user id (custom:agentId): set by an administrator, never by the user (the app client
      // cannot write it), it becomes the agent's identity in the API so their own logs, plans and evaluations match
      // the agent id Connect reports on their calls (shared/http/request-context.ts).
      customAttributes: {
        [AGENT_ID_ATTRIBUTE]: new cognito.StringAttribute({ minLen: 1, maxLen: 256, mutable: true }),
      },
      autoVerify: { email: true },
      // A changed address is used only once its owner has verified it, so a hijacked session cannot redirect recovery.
      keepOriginal: { email: true },
      passwordPolicy: PEOPLE_PASSWORD_POLICY,
      mfa: cognito.Mfa.REQUIRED,
      // TOTP only: SMS codes can be intercepted, and would need an SNS role and spend limit.
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Threat protection (compromised credentials, adaptive authentication) needs the Plus plan.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.retainData,
      removalPolicy: props.removalPolicy,
      userInvitation: {
        emailSubject: 'Your outcall account',
        emailBody:
          'An outcall account was created for {username}. Your temporary password is {####} — sign in within 3 days, ' +
          'choose a new password and set up an authenticator app.',
      },
    });

    // What threat protection does, rather than Cognito's defaults: a password known to be leaked never signs in, and
    // a high-risk sign-in is blocked (an administrator can release it); MFA is already required of every sign-in.
    new cognito.CfnUserPoolRiskConfigurationAttachment(this, 'RiskConfiguration', {
      userPoolId: this.userPool.userPoolId,
      clientId: 'ALL',
      compromisedCredentialsRiskConfiguration: { actions: { eventAction: 'BLOCK' } },
      accountTakeoverRiskConfiguration: {
        actions: {
          highAction: { eventAction: 'BLOCK', notify: false },
          mediumAction: { eventAction: 'MFA_REQUIRED', notify: false },
          lowAction: { eventAction: 'NO_ACTION', notify: false },
        },
      },
    });

    const groups: Partial<Record<Role, cognito.UserPoolGroup>> = {};
    for (const role of ROLES) {
      groups[role] = this.userPool.addGroup(`${role[0]?.toUpperCase()}${role.slice(1)}Group`, {
        groupName: role,
        description: ROLE_DESCRIPTIONS[role],
      });
    }
    this.groups = groups as Record<Role, cognito.UserPoolGroup>;

    this.client = this.userPool.addClient('AppClient', {
      userPoolClientName: 'outcall',
      // A browser app or a CLI cannot keep a secret; PKCE protects the code exchange instead.
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: false, adminUserPassword: false, custom: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [...props.callbackUrls],
        logoutUrls: [...props.callbackUrls],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes(AGENT_ID_ATTRIBUTE),
      // Users may change their e-mail (verified before use, keepOriginal above) and nothing else: not their agent id.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }),
      accessTokenValidity: PEOPLE_TOKEN_VALIDITY,
      idTokenValidity: PEOPLE_TOKEN_VALIDITY,
      refreshTokenValidity: PEOPLE_REFRESH_TOKEN_VALIDITY,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });

    // The prefix must be unique in the Region across all accounts; the account id makes it so.
    this.domain = this.userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: `outcall-${props.stage}-${Stack.of(this).account}` },
      // The classic hosted pages need no branding resource; they take a new user through TOTP set-up.
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });

    new CfnOutput(this, 'UserPoolId', { key: 'PeopleUserPoolId', value: this.userPool.userPoolId });
    new CfnOutput(this, 'AppClientId', { key: 'PeopleAppClientId', value: this.client.userPoolClientId });
    new CfnOutput(this, 'SignInUrl', { key: 'PeopleSignInUrl', value: this.domain.baseUrl() });
  }
}
