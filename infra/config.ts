import type { Construct } from 'constructs';
import * as z from 'zod';

/** The deployment stages outcall knows; anything else given as `-c stage=…` is rejected. */
export const STAGES = ['dev', 'prod'] as const;
export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;

/**
 * A context value that starts with this prefix names an SSM parameter instead of carrying the value itself; the
 * parameter is resolved by CloudFormation at deploy time, so `cdk synth` never needs AWS credentials.
 */
export const SSM_PREFIX = 'ssm:';

/** Values that let `cdk synth` run in dev with no context at all. They point nowhere and prod rejects every one. */
export const DEV_PLACEHOLDERS = {
  connectInstanceId: '00000000-0000-4000-8000-000000000000',
  connectInstanceArn: 'arn:aws:connect:us-east-1:000000000000:instance/00000000-0000-4000-8000-000000000000',
  outboundContactFlowId: '00000000-0000-4000-8000-000000000001',
  sourcePhoneNumber: '+15550100000',
  managerEmails: ['manager@example.com'],
  sesSenderAddress: 'outcall@example.com',
  operatorsEmail: 'operators@example.com',
} as const;

const PLACEHOLDER_VALUES: ReadonlySet<string> = new Set(Object.values(DEV_PLACEHOLDERS).flat());
// example.com is reserved for documentation (RFC 2606): mail to it can never reach a real manager.
const isPlaceholder = (value: string): boolean =>
  value.split(',').some((v) => PLACEHOLDER_VALUES.has(v.trim()) || /@example\.(com|org|net)$/i.test(v.trim()));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SSM_REFERENCE = /^ssm:\/[\w./-]+$/;
const CONNECT_INSTANCE_ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const isEmail = (v: string): boolean => z.email().safeParse(v).success;
const required = z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });

/** In prod a placeholder is as wrong as a missing value; in dev the placeholders are the point. */
function parametersSchema(rejectPlaceholders: boolean) {
  const real = (schema: z.ZodString): z.ZodString =>
    rejectPlaceholders ? schema.refine((v) => !isPlaceholder(v), 'is a placeholder; give the real value') : schema;
  const value = (isValid: (v: string) => boolean, expected: string) =>
    real(
      required.refine(
        (v) => (v.startsWith(SSM_PREFIX) ? SSM_REFERENCE.test(v) : isValid(v)),
        `must be ${expected}, or ssm:/parameter/name`,
      ),
    );
  return z.object({
    connectInstanceId: value((v) => UUID.test(v), 'an Amazon Connect instance id (a UUID)'),
    connectInstanceArn: value((v) => CONNECT_INSTANCE_ARN.test(v), 'an Amazon Connect instance ARN'),
    outboundContactFlowId: value((v) => UUID.test(v), 'a contact flow id (a UUID)'),
    sourcePhoneNumber: value((v) => E164.test(v), 'an E.164 number such as +862112345678'),
    /** Comma-joined once parsed, ready for an environment variable. */
    managerEmails: z
      .union([z.string(), z.array(z.string())], { error: 'is required (comma-separated e-mail addresses)' })
      // `-c managerEmails=a@x,b@y` arrives as one string; cdk.json may hold a JSON array.
      .transform((v) => (Array.isArray(v) ? v.join(',') : v))
      .pipe(
        real(
          required.refine(
            (v) => (v.startsWith(SSM_PREFIX) ? SSM_REFERENCE.test(v) : v.split(',').every((a) => isEmail(a.trim()))),
            'must be comma-separated e-mail addresses, or ssm:/parameter/name',
          ),
        ),
      )
      .transform((v) =>
        v.startsWith(SSM_PREFIX)
          ? v
          : v
              .split(',')
              .map((a: string) => a.trim())
              .join(','),
      ),
    sesSenderAddress: value(isEmail, 'an e-mail address'),
    operatorsEmail: value(isEmail, 'an e-mail address'),
  });
}

/**
 * The values that differ between deployments. Every one may be given literally in CDK context or as
 * `ssm:/parameter/name`. In prod every value is required and no placeholder is accepted.
 */
export const DeployParametersSchema = parametersSchema(true);
export type DeployParameters = z.infer<typeof DeployParametersSchema>;

const PARAMETER_KEYS = Object.keys(DeployParametersSchema.shape) as (keyof DeployParameters)[];

/**
 * Where the people's sign-in page may send the authorization code: the `outcall` CLI's loopback address unless
 * `-c signInCallbackUrls=https://outcall.corp.example/callback,...` names the web app's too.
 */
export const DEFAULT_SIGN_IN_CALLBACK_URLS = ['http://localhost:8976/callback'] as const;

// Cognito accepts plain http for localhost only; anything else must be https.
const isCallbackUrl = (v: string): boolean => {
  if (!URL.canParse(v)) return false;
  const url = new URL(v);
  return url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === 'localhost');
};
const CallbackUrlsSchema = z
  .union([z.string(), z.array(z.string())], { error: 'must be comma-separated URLs' })
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((u) => u.trim()).filter((u) => u !== ''))
  .pipe(
    z
      .array(z.string().refine(isCallbackUrl, 'must be an https URL, or http://localhost[:port]/…'))
      .min(1, 'must name at least one URL'),
  );

/** Everything the CDK app needs to know about one deployment, validated. */
export interface OutcallConfig {
  readonly stage: Stage;
  /** True in prod: data survives stack deletion and tables refuse deletion. */
  readonly retainData: boolean;
  /** Days a function's or the API's log group keeps its events. */
  readonly logRetentionDays: 30 | 365;
  readonly parameters: DeployParameters;
  /** Redirect URLs of the people's app client (authorization code with PKCE). */
  readonly signInCallbackUrls: readonly string[];
}

/** The `stage` context value is missing from {@link STAGES}. */
export class UnknownStageError extends Error {
  override readonly name = 'UnknownStageError';
  constructor(stage: unknown) {
    super(`Unknown stage ${JSON.stringify(stage)}: pass -c stage=${STAGES.join('|')} (default dev).`);
  }
}

/** The deploy parameters in context are missing or malformed for the stage. */
export class InvalidDeployParametersError extends Error {
  override readonly name = 'InvalidDeployParametersError';
  constructor(stage: Stage, detail: string) {
    super(
      `Invalid deploy parameters for stage ${stage}. Give each as -c <name>=<value> or -c <name>=ssm:/parameter/name.\n${detail}`,
    );
  }
}

/**
 * Validates raw CDK context into an {@link OutcallConfig}.
 *
 * @param context a lookup of context values, e.g. `(k) => app.node.tryGetContext(k)`
 * @throws UnknownStageError when `stage` is not one of {@link STAGES} (default `dev`)
 * @throws InvalidDeployParametersError when a parameter is malformed, or missing / a placeholder in prod
 */
export function parseConfig(context: (key: string) => unknown): OutcallConfig {
  const rawStage = context('stage') ?? 'dev';
  const stageResult = StageSchema.safeParse(rawStage);
  if (!stageResult.success) throw new UnknownStageError(rawStage);
  const stage = stageResult.data;

  const raw: Record<string, unknown> = {};
  for (const key of PARAMETER_KEYS) {
    const value = context(key);
    // Only dev falls back to placeholders; prod reports the key as missing.
    raw[key] = value ?? (stage === 'dev' ? DEV_PLACEHOLDERS[key] : undefined);
  }
  const schema = stage === 'prod' ? DeployParametersSchema : parametersSchema(false);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InvalidDeployParametersError(stage, z.prettifyError(parsed.error));
  const callbackUrls = z
    .object({ signInCallbackUrls: CallbackUrlsSchema })
    .safeParse({ signInCallbackUrls: context('signInCallbackUrls') ?? [...DEFAULT_SIGN_IN_CALLBACK_URLS] });
  if (!callbackUrls.success) throw new InvalidDeployParametersError(stage, z.prettifyError(callbackUrls.error));

  return {
    stage,
    retainData: stage === 'prod',
    logRetentionDays: stage === 'prod' ? 365 : 30,
    parameters: parsed.data,
    signInCallbackUrls: callbackUrls.data.signInCallbackUrls,
  };
}

/**
 * The web origins the people's API answers CORS for: those of the sign-in callback URLs, less the CLI's loopback
 * (a terminal needs no CORS). Empty when only the CLI signs in, and then the API sends no CORS headers at all.
 */
export function browserOrigins(config: Pick<OutcallConfig, 'signInCallbackUrls'>): string[] {
  const cli = new Set<string>(DEFAULT_SIGN_IN_CALLBACK_URLS.map((u) => new URL(u).origin));
  return [...new Set(config.signInCallbackUrls.map((u) => new URL(u).origin))].filter((o) => !cli.has(o));
}

/** {@link parseConfig} over a construct's context (`-c key=value` and cdk.json). */
export function loadConfig(scope: Construct): OutcallConfig {
  return parseConfig((key) => scope.node.tryGetContext(key));
}

/** Splits a parameter into an SSM parameter name or a literal value. */
export function ssmParameterName(value: string): string | undefined {
  return value.startsWith(SSM_PREFIX) ? value.slice(SSM_PREFIX.length) : undefined;
}
