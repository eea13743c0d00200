import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkCampaign } from '#cli/commands/campaign-check';
import { isOpenAt } from '#shared/domain/calling-window';
import { campaignSpecSchema, DEFAULT_DISPOSITIONS } from '#shared/domain/campaign';

const text = readFileSync(new URL('../../../examples/campaign.yaml', import.meta.url), 'utf8');

describe('examples/campaign.yaml', () => {
  const spec = campaignSpecSchema.parse(parse(text));
  const rules = spec.callingRules;

  it('is a valid Shanghai sales campaign with the default dispositions and a pilot of 200', () => {
    expect(spec.purpose).toBe('sales');
    expect(rules.timeZone).toBe('Asia/Shanghai');
    expect(spec.pilot.size).toBe(200);
    expect(spec.dispositions).toEqual(DEFAULT_DISPOSITIONS);
    expect(spec.deadline.startsWith('2027-')).toBe(true);
    expect(rules.windows.sunday).toEqual([]);
    expect(checkCampaign(text, { from: '2027-03-01T08:00' }).valid).toBe(true);
  });

  it('lists the seven 2027 PRC holidays as restricted periods', () => {
    expect(rules.restrictedPeriods.map((p) => [p.startDate, p.endDate])).toEqual([
      ['2027-01-01', '2027-01-03'],
      ['2027-02-06', '2027-02-13'],
      ['2027-04-03', '2027-04-05'],
      ['2027-05-01', '2027-05-05'],
      ['2027-06-09', '2027-06-11'],
      ['2027-09-15', '2027-09-17'],
      ['2027-10-01', '2027-10-07'],
    ]);
  });

  it('calls Monday to Saturday around a lunch break, never on Sunday or during National Day', () => {
    const open = (iso: string) => isOpenAt(rules, new Date(iso));
    expect(open('2027-03-06T09:00:00+08:00')).toBe(true); // Saturday morning
    expect(open('2027-03-01T12:30:00+08:00')).toBe(false); // lunch
    expect(open('2027-03-01T20:29:00+08:00')).toBe(true);
    expect(open('2027-03-01T20:30:00+08:00')).toBe(false);
    expect(open('2027-03-07T10:00:00+08:00')).toBe(false); // Sunday
    expect(open('2027-10-04T10:00:00+08:00')).toBe(false); // National Day, a Monday
    expect(open('2027-10-08T10:00:00+08:00')).toBe(true);
  });
});
