import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contactEventSchema } from '#events/connect/contact-event';
import { contactFlowEventSchema, dispositionParametersSchema } from '#events/connect/contact-flow-event';
import { contactRecordSchema } from '#events/connect/contact-record';
import { classifySystemOutcome } from '#shared/domain/outcomes/derive';
import { inputFromContactEvent, inputFromContactRecord } from '#shared/use-cases/outcomes/inputs';

const dir = join(import.meta.dirname, '../../../events/samples/connect');
const sample = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown;

describe('Connect samples', () => {
  it('every sample parses with the schema its name says', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const schema = file.startsWith('contact-event')
        ? contactEventSchema
        : file.startsWith('contact-record')
          ? contactRecordSchema
          : contactFlowEventSchema;
      expect(schema.safeParse(sample(file)).success, file).toBe(true);
    }
  });

  it('unknown event types and fields are kept out of the way, not fatal', () => {
    const event = sample('contact-event-disconnected-outbound.json') as { detail: Record<string, unknown> };
    event.detail.eventType = 'SOMETHING_NEW';
    event.detail.brandNewField = [1, 2];
    const parsed = contactEventSchema.parse(event);
    expect(inputFromContactEvent(parsed.detail).facts.events?.types).toEqual(['SOMETHING_NEW']);
  });

  it('a contact record without dial attributes is not an outcall attempt', () => {
    const record = contactRecordSchema.parse({
      ContactId: 'x',
      LastUpdateTimestamp: '2027-01-01T00:00:00Z',
      Attributes: {},
    });
    expect(inputFromContactRecord(record)).toBeUndefined();
  });

  it('disposition parameters treat blank values as absent and reject a malformed order', () => {
    expect(dispositionParametersSchema.parse({ dispositionCode: 'SALE', callbackAt: '' })).toEqual({
      dispositionCode: 'SALE',
    });
    expect(dispositionParametersSchema.safeParse({ dispositionCode: 'SALE', orderItems: '[{"sku":' }).success).toBe(
      false,
    );
  });
});

describe('classifySystemOutcome', () => {
  it.each([
    [{ amdStatus: 'SIT_TONE_INVALID_NUMBER', connectedToSystemAt: 't' }, 'invalid'],
    [{ amdStatus: 'SIT_TONE_BUSY' }, 'busy'],
    [{ amdStatus: 'VOICEMAIL_NO_BEEP', connectedToSystemAt: 't' }, 'voicemail'],
    [{ disconnectReason: 'EXPIRED' }, 'expired'],
    [{ disconnectReason: 'TELECOM_PROBLEM' }, 'failed'],
    [{ amdStatus: 'HUMAN_ANSWERED', connectedToSystemAt: 't', agentConnectedAt: 't' }, 'reached'],
    [{ amdStatus: 'HUMAN_ANSWERED', connectedToSystemAt: 't' }, 'abandoned'],
    [{ amdStatus: 'AMD_UNANSWERED' }, 'noAnswer'],
  ])('%o → %s', (facts, expected) => {
    expect(classifySystemOutcome(facts)).toBe(expected);
  });
});
