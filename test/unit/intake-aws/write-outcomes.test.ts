import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { backoffMs } from '#shared/adapters/dynamodb/batch-get';
import {
  ContactWriteError,
  claimRefusal,
  dncActive,
  existingContact,
  interpretCancellation,
  interpretReleaseCancellation,
  packPhoneKey,
  recordedContacts,
  recordGroupName,
} from '#shared/adapters/dynamodb/contact-store';
import { phoneKey } from '#shared/domain/phone-key';

const target = { campaignId: 'c-1', listId: 'l-1', intakeAt: '2026-03-02T01:00:00.000Z' };

describe('claimRefusal', () => {
  it('names a refused claim from the STATUS item as it was', () => {
    // DNC without expiry, even while another campaign holds the number
    expect(
      claimRefusal(target, { allocCampaignId: 'c-other', dnc: { source: 'request', at: '2026-01-01T00:00:00.000Z' } }),
    ).toBe('do_not_call');
    // DNC until later than the intake
    expect(claimRefusal(target, { dnc: { source: 'complaint', at: 'x', until: '2026-04-01T00:00:00.000Z' } })).toBe(
      'do_not_call',
    );
    // another campaign holds it (an expired DNC entry does not count)
    expect(
      claimRefusal(target, {
        allocCampaignId: 'c-other',
        dnc: { source: 'import', at: 'x', until: '2026-01-01T00:00:00.000Z' },
      }),
    ).toBe('allocated_elsewhere');
    // another list of this campaign holds it: its contact exists (written with the claim), or that list is failing
    expect(claimRefusal(target, { allocCampaignId: 'c-1', allocListId: 'l-0' })).toBe('duplicate_in_campaign');
  });
});

describe('existingContact', () => {
  it('sorts a row whose contact already exists by the contact the put found', () => {
    // written by this list at this row before a crash
    expect(existingContact(target, 2, { listId: 'l-1', row: 2 })).toBe('accepted');
    // written by this list at another row: an in-file duplicate across a resume
    expect(existingContact(target, 3, { listId: 'l-1', row: 99 })).toBe('duplicate_in_file');
    // another list of the campaign holds it
    expect(existingContact(target, 4, { listId: 'l-0', row: 4 })).toBe('duplicate_in_campaign');
  });
});

describe('dncActive', () => {
  it('counts an entry without expiry, and one with it until that instant', () => {
    expect(dncActive({}, target.intakeAt)).toBe(false);
    expect(dncActive({ dnc: { source: 'request', at: 'x' } }, target.intakeAt)).toBe(true);
    expect(dncActive({ dnc: { source: 'request', at: 'x', until: target.intakeAt } }, target.intakeAt)).toBe(true);
    expect(dncActive({ dnc: { source: 'request', at: 'x', until: '2026-03-01T00:00:00.000Z' } }, target.intakeAt)).toBe(
      false,
    );
  });
});

describe('backoffMs', () => {
  it('stays within the capped exponential bound (full jitter)', () => {
    expect(backoffMs(1, () => 0.999)).toBe(99);
    expect(backoffMs(3, () => 0.5)).toBe(200);
    expect(backoffMs(20, () => 0.999)).toBe(4995);
    expect(backoffMs(5, () => 0)).toBe(0);
  });
});

const failed = (item: Record<string, unknown>) => ({ Code: 'ConditionalCheckFailed', Item: marshall(item) });
const none = { Code: 'None' };

describe('interpretCancellation', () => {
  it('sorts each contact of a cancelled transaction by the old items its failed conditions returned', () => {
    const contacts = [{ row: 2 }, { row: 3 }, { row: 4 }, { row: 5 }, { row: 6 }, { row: 7 }, { row: 8 }, { row: 9 }];
    const reasons = [
      // written by this list at this row before a crash: accepted
      failed({ listId: 'l-1', row: 2 }),
      none,
      // written by this list at another row: an in-file duplicate across a resume
      failed({ listId: 'l-1', row: 99 }),
      none,
      // another list of the campaign has the contact (its claim fails too)
      failed({ listId: 'l-0', row: 9 }),
      failed({ allocCampaignId: 'c-1', allocListId: 'l-0' }),
      // DNC without expiry
      none,
      failed({ dnc: { source: 'request', at: '2026-01-01T00:00:00.000Z' } }),
      // allocated to another campaign (an expired DNC entry does not count)
      none,
      failed({ allocCampaignId: 'c-other', dnc: { source: 'import', at: 'x', until: '2026-01-01T00:00:00.000Z' } }),
      // claimed by another list of the campaign whose contact is gone (that list is being discarded)
      none,
      failed({ allocCampaignId: 'c-1', allocListId: 'l-0' }),
      // innocent bystander of the failed transaction
      none,
      none,
      // contention
      { Code: 'TransactionConflict' },
      none,
      // the record
      none,
    ];
    expect(interpretCancellation(target, contacts, reasons)).toEqual({
      outcomes: [
        'accepted',
        'duplicate_in_file',
        'duplicate_in_campaign',
        'do_not_call',
        'allocated_elsewhere',
        'duplicate_in_campaign',
        'retry',
        'retry',
      ],
      contention: true,
    });
  });

  it('asks for no back-off when only neighbours failed, and for one when the record met contention', () => {
    const contacts = [{ row: 2 }, { row: 3 }];
    expect(interpretCancellation(target, contacts, [failed({ listId: 'l-0' }), none, none, none, none])).toEqual({
      outcomes: ['duplicate_in_campaign', 'retry'],
      contention: false,
    });
    expect(
      interpretCancellation(target, contacts, [
        failed({ listId: 'l-0' }),
        none,
        none,
        none,
        { Code: 'TransactionConflict' },
      ]),
    ).toEqual({ outcomes: ['duplicate_in_campaign', 'retry'], contention: true });
  });

  it("throws on a reason retrying cannot cure, the record's included", () => {
    expect(() => interpretCancellation(target, [{ row: 2 }], [{ Code: 'ValidationError' }, none, none])).toThrow(
      ContactWriteError,
    );
    expect(() =>
      interpretCancellation(target, [{ row: 2 }], [none, none, { Code: 'ItemCollectionSizeLimitExceeded' }]),
    ).toThrow(/ItemCollectionSizeLimitExceeded/);
  });
});

describe('interpretReleaseCancellation', () => {
  it('leaves out the contacts whose condition failed and sends the others again', () => {
    expect(interpretReleaseCancellation([none, { Code: 'ConditionalCheckFailed' }, none])).toEqual({
      retry: [true, false, true],
      contention: false,
    });
    expect(interpretReleaseCancellation([{ Code: 'TransactionConflict' }, { Code: 'ConditionalCheckFailed' }])).toEqual(
      {
        retry: [true, false],
        contention: true,
      },
    );
    // no culprit named: pause before sending them all again
    expect(interpretReleaseCancellation([none, none])).toEqual({ retry: [true, true], contention: true });
    expect(() => interpretReleaseCancellation([{ Code: 'ValidationError' }])).toThrow(ContactWriteError);
  });
});

describe('records', () => {
  it('keep a phone key as its 16 bytes, and give back each contact with its priority and zone', () => {
    const keys = [1, 2, 3].map((i) => phoneKey(`+8613800000${i}`, 'unit-test-phone-key-secret'));
    for (const k of keys) expect(packPhoneKey(k)).toHaveLength(16);
    const item = {
      pk: 'CLAIMS#c-1#l-1',
      sk: 'ROW#0000000002',
      expiresAt: 1,
      [recordGroupName(2, 'Asia/Shanghai')]: new Set(keys.slice(0, 2).map(packPhoneKey)),
      [recordGroupName(3, 'Asia/Urumqi')]: new Set([packPhoneKey(keys[2] as string)]),
      // a record of the code before: numbers listed before they were claimed, released from the pending partitions
      phoneKeys: new Set(['x']),
    };
    expect(recordedContacts(item)).toEqual([
      { phoneKey: keys[0], zone: 'Asia/Shanghai', priority: 2 },
      { phoneKey: keys[1], zone: 'Asia/Shanghai', priority: 2 },
      { phoneKey: keys[2], zone: 'Asia/Urumqi', priority: 3 },
    ]);
  });

  it('refuse a phone key that is not 128 bits in base64url', () => {
    expect(() => packPhoneKey('not-a-key')).toThrow(ContactWriteError);
    expect(() => packPhoneKey(`${'A'.repeat(21)}B`)).toThrow(ContactWriteError);
  });
});
