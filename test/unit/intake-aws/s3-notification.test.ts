import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeS3Key, encodeS3Key, IntakeMessageError, parseIntakeMessage } from '#events/s3-notification';
import { realNotification } from '#infra/local/s3-local';

const sample = (name: string) => readFileSync(new URL(`../../../events/samples/${name}`, import.meta.url), 'utf8');

describe('intake queue messages', () => {
  it('parses the S3 sample and URL-decodes its key (space is +, UTF-8 is %XX)', () => {
    expect(parseIntakeMessage(sample('s3-object-created.json'))).toEqual({
      kind: 'objects',
      objects: [
        {
          bucket: 'outcall-uploads',
          key: 'lists/c-0123456789ab/客户 名单.csv',
          versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
          sequencer: '0055AED6DCD90281E5',
          size: 1024,
        },
      ],
    });
  });

  it('recognises the s3:TestEvent S3 sends when the notification is configured', () => {
    expect(parseIntakeMessage(sample('s3-test-event.json'))).toEqual({ kind: 'test' });
  });

  it('keeps a literal plus sign, which S3 writes as %2B', () => {
    expect(decodeS3Key('lists/c-1/a%2Bb+c.csv')).toBe('lists/c-1/a+b c.csv');
    expect(encodeS3Key('lists/c-1/a+b c(1).csv')).toBe('lists/c-1/a%2Bb+c%281%29.csv');
  });

  it('round-trips keys through the local stand-in encoding', () => {
    for (const key of ['lists/c-1/春季 名单 (终版).xlsx', "dnc/it's 100%.csv", 'lists/c-1/a&b=c?.csv']) {
      const body = JSON.stringify(realNotification('b', key, { size: 1, sequencer: '01' }));
      const parsed = parseIntakeMessage(body);
      expect(parsed.kind === 'objects' && parsed.objects[0]?.key).toBe(key);
    }
  });

  it('skips records that are not ObjectCreated', () => {
    const event = realNotification('b', 'lists/c-1/x.csv', {
      size: 1,
      sequencer: '01',
      eventName: 'ObjectRemoved:Delete',
    });
    expect(parseIntakeMessage(JSON.stringify(event))).toEqual({ kind: 'objects', objects: [] });
  });

  it('parses the function own continuation message', () => {
    const body = JSON.stringify({
      kind: 'outcall.intake.continue',
      bucket: 'b',
      key: 'lists/c-1/x.csv',
      sequencer: '01',
      size: 5,
    });
    expect(parseIntakeMessage(body)).toEqual({
      kind: 'objects',
      objects: [{ bucket: 'b', key: 'lists/c-1/x.csv', versionId: undefined, sequencer: '01', size: 5 }],
    });
  });

  it('rejects bodies that are not JSON or not a known shape', () => {
    expect(() => parseIntakeMessage('not json')).toThrow(IntakeMessageError);
    expect(() => parseIntakeMessage('{"Records":[{"foo":1}]}')).toThrow(IntakeMessageError);
  });
});
