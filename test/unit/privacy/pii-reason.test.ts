import { describe, expect, it } from 'vitest';
import { piiReason } from '#test/integration/privacy-pii';

describe('the log scan’s idea of personal data', () => {
  it('flags numbers and names wherever they stand on their own', () => {
    expect(piiReason('{"to":"+8613800138000"}', [])).toBe('E.164 number');
    expect(piiReason('{"phone":"13800138000"}', [])).toBe('mobile number');
    expect(piiReason('dialing 13800138000 now', [])).toBe('mobile number');
    expect(piiReason('{"name":"客户12"}', [])).toBe('test-list name');
    expect(piiReason('{"name":"赵六"}', ['赵六'])).toBe('test-list name');
  });

  it('does not mistake digit runs inside generated ids for a mobile number', () => {
    expect(piiReason('{"listId":"l-a13699024250c95705e8e468"}', [])).toBeUndefined();
    expect(piiReason('{"messageId":"f13800138000a"}', [])).toBeUndefined();
    expect(piiReason('{"amount":113800138000.5}', [])).toBeUndefined();
  });
});
