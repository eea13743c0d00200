import { describe, expect, it } from 'vitest';
import { campaignSpecSchema, DEFAULT_DISPOSITIONS } from '#shared/domain/campaign';

const minimal = {
  name: 'Spring promotion',
  purpose: 'sales',
  requestingDepartment: { name: '市场部' },
  planners: ['planner@example.com'],
  script: { text: '您好，我是…' },
  defaultRegion: 'CN',
  callingRules: {
    timeZone: 'Asia/Shanghai',
    windows: { monday: [{ start: '09:00', end: '12:00' }] },
  },
  deadline: '2027-03-31T20:00:00+08:00',
  connect: { instanceId: 'i-1', contactFlowId: 'f-1', sourcePhoneNumber: '+862161234567' },
};

describe('campaignSpecSchema', () => {
  it('fills the defaults a planner leaves out', () => {
    const spec = campaignSpecSchema.parse(minimal);
    expect(spec.frequencyCaps.maxAttemptsTotal).toBe(6);
    expect(spec.retryPolicy.noAnswer).toEqual({ delayMinutes: 120, maxAttempts: 3 });
    expect(spec.dispositions).toEqual(DEFAULT_DISPOSITIONS);
    expect(spec.callingRules.windows.sunday).toEqual([]);
  });

  it('rejects an unknown time zone, overlapping windows and a bad source number with readable messages', () => {
    const result = campaignSpecSchema.safeParse({
      ...minimal,
      callingRules: {
        timeZone: 'Mars/Olympus',
        windows: {
          monday: [
            { start: '09:00', end: '12:00' },
            { start: '11:00', end: '13:00' },
          ],
        },
      },
      connect: { ...minimal.connect, sourcePhoneNumber: '021-6123' },
    });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('callingRules.timeZone: must be an IANA time zone'),
        expect.stringContaining('callingRules.windows.monday: calling windows of one day must not overlap'),
        expect.stringContaining('connect.sourcePhoneNumber: the source number must be E.164'),
      ]),
    );
  });
});
