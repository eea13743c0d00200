import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { backoffMs } from '#shared/adapters/dynamodb/batch-get';
import { ContactWriteError, interpretCancellation } from '#shared/adapters/dynamodb/contact-store';

const target = { listId: 'l-1', intakeAt: '2026-03-02T01:00:00.000Z' };
const failed = (item: Record<string, unknown>) => ({ Code: 'ConditionalCheckFailed', Item: marshall(item) });
const none = { Code: 'None' };

describe('interpretCancellation', () => {
  it('sorts each contact by the old items the failed conditions returned', () => {
    const contacts = [{ row: 2 }, { row: 3 }, { row: 4 }, { row: 5 }, { row: 6 }, { row: 7 }, { row: 8 }];
    const reasons = [
      // written by this list at this row before a crash: accepted
      failed({ listId: 'l-1', row: 2 }),
      none,
      // written by this list at another row: an in-file duplicate across a resume
      failed({ listId: 'l-1', row: 99 }),
      none,
      // another list of the campaign holds it
      failed({ listId: 'l-0', row: 9 }),
      none,
      // DNC without expiry
      none,
      failed({ dnc: { source: 'request', at: '2026-01-01T00:00:00.000Z' } }),
      // allocated to another campaign (an expired DNC entry does not count)
      none,
      failed({ allocCampaignId: 'c-other', dnc: { source: 'import', at: 'x', until: '2026-01-01T00:00:00.000Z' } }),
      // innocent bystander of the failed transaction
      none,
      none,
      // contention
      { Code: 'TransactionConflict' },
      none,
    ];
    expect(interpretCancellation(target, contacts, reasons)).toEqual({
      outcomes: [
        'accepted',
        'duplicate_in_file',
        'duplicate_in_campaign',
        'do_not_call',
        'allocated_elsewhere',
        'retry',
        'retry',
      ],
      contention: true,
    });
  });

  it('asks for no back-off when only neighbours failed', () => {
    const verdict = interpretCancellation(
      target,
      [{ row: 2 }, { row: 3 }],
      [failed({ listId: 'l-0' }), none, none, none],
    );
    expect(verdict).toEqual({ outcomes: ['duplicate_in_campaign', 'retry'], contention: false });
  });

  it('throws on codes that retrying cannot cure', () => {
    expect(() => interpretCancellation(target, [{ row: 2 }], [{ Code: 'ValidationError' }, none])).toThrow(
      ContactWriteError,
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
