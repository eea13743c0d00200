import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIGN_IN_CALLBACK_URLS,
  DEV_PLACEHOLDERS,
  InvalidDeployParametersError,
  parseConfig,
  ssmParameterName,
  UnknownStageError,
} from '#infra/config';
import { outcallApp, PROD_PARAMETERS } from '#test/infra/fixtures';

const contextOf =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('parseConfig', () => {
  it('defaults to dev with placeholders when no context is given', () => {
    const config = parseConfig(contextOf({}));

    expect(config.stage).toBe('dev');
    expect(config.retainData).toBe(false);
    expect(config.logRetentionDays).toBe(30);
    expect(config.parameters.connectInstanceId).toBe(DEV_PLACEHOLDERS.connectInstanceId);
    expect(config.parameters.managerEmails).toBe('manager@example.com');
  });

  it('rejects an unknown stage with the accepted values in the message', () => {
    expect(() => parseConfig(contextOf({ stage: 'staging' }))).toThrow(UnknownStageError);
    expect(() => parseConfig(contextOf({ stage: 'staging' }))).toThrow(/stage=dev\|prod/);
  });

  it('rejects prod without parameters, naming every missing one', () => {
    const attempt = () => parseConfig(contextOf({ stage: 'prod' }));

    expect(attempt).toThrow(InvalidDeployParametersError);
    for (const key of Object.keys(PROD_PARAMETERS)) expect(attempt).toThrow(new RegExp(`at ${key}`));
  });

  it('rejects prod when one value is still a dev placeholder', () => {
    const attempt = () =>
      parseConfig(
        contextOf({ stage: 'prod', ...PROD_PARAMETERS, sesSenderAddress: DEV_PLACEHOLDERS.sesSenderAddress }),
      );

    expect(attempt).toThrow(/placeholder[\s\S]*sesSenderAddress/);
  });

  it('rejects a malformed value in any stage', () => {
    expect(() => parseConfig(contextOf({ sourcePhoneNumber: '021-1234567' }))).toThrow(
      /E\.164[\s\S]*sourcePhoneNumber/,
    );
    expect(() => parseConfig(contextOf({ connectInstanceId: 'ssm:not-a-path' }))).toThrow(/ssm:\/parameter\/name/);
  });

  it('accepts prod with real values and SSM references, joining manager e-mails', () => {
    const config = parseConfig(
      contextOf({ stage: 'prod', ...PROD_PARAMETERS, managerEmails: ['a@corp.example.cn', ' b@corp.example.cn'] }),
    );

    expect(config.retainData).toBe(true);
    expect(config.logRetentionDays).toBe(365);
    expect(config.parameters.managerEmails).toBe('a@corp.example.cn,b@corp.example.cn');
    expect(ssmParameterName(config.parameters.connectInstanceId)).toBe('/outcall/prod/connect-instance-id');
    expect(ssmParameterName(config.parameters.outboundContactFlowId)).toBeUndefined();
  });
});

describe('sign-in callback URLs', () => {
  it("default to the CLI's loopback address", () => {
    expect(parseConfig(contextOf({})).signInCallbackUrls).toEqual([...DEFAULT_SIGN_IN_CALLBACK_URLS]);
  });

  it('take a comma-separated list or an array of https or http://localhost URLs', () => {
    expect(
      parseConfig(contextOf({ signInCallbackUrls: ' https://outcall.corp.example/cb , http://localhost:9000/cb' }))
        .signInCallbackUrls,
    ).toEqual(['https://outcall.corp.example/cb', 'http://localhost:9000/cb']);
    expect(parseConfig(contextOf({ signInCallbackUrls: ['https://a.example/cb'] })).signInCallbackUrls).toEqual([
      'https://a.example/cb',
    ]);
  });

  it('refuse plain http beyond localhost, and an empty list', () => {
    const attempt = (value: unknown) => () => parseConfig(contextOf({ signInCallbackUrls: value }));
    expect(attempt('http://outcall.corp.example/cb')).toThrow(/https URL[\s\S]*signInCallbackUrls/);
    expect(attempt('not a url')).toThrow(InvalidDeployParametersError);
    expect(attempt(',')).toThrow(/at least one URL/);
  });
});

describe('the app', () => {
  it('refuses to build an unknown stage', () => {
    expect(() => outcallApp('qa' as 'dev')).toThrow(UnknownStageError);
  });

  it('refuses to build prod without required parameters', () => {
    expect(() => outcallApp('prod', { sourcePhoneNumber: undefined })).toThrow(/sourcePhoneNumber/);
  });
});
