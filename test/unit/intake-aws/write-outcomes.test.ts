import { describe, expect, it } from 'vitest';
import { backoffMs } from '#shared/adapters/dynamodb/batch-get';
import { claimRefusal, dncActive, existingContact } from '#shared/adapters/dynamodb/contact-store';

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
    // another list of this campaign holds it: its contact exists, or will once that list gets past a crash
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
