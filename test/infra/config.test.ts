import { describe, expect, it } from 'vitest';
import {
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

describe('the app', () => {
  it('refuses to build an unknown stage', () => {
    expect(() => outcallApp('qa' as 'dev')).toThrow(UnknownStageError);
  });

  it('refuses to build prod without required parameters', () => {
    expect(() => outcallApp('prod', { sourcePhoneNumber: undefined })).toThrow(/sourcePhoneNumber/);
  });
});
