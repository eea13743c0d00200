import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { CANARY, piiReason, testListNames } from '#test/integration/privacy-pii';

describe('log capture for the privacy scan', () => {
  it('captures a planted PII line from the Powertools logger and console, and the detector flags it', () => {
    const dir = process.env.OUTCALL_LOG_CAPTURE_DIR;
    expect(dir, 'privacy-log-scan.ts must run as global setup').toBeDefined();
    // Planted on purpose: the end-of-run scan must see these lines and flag them, or the run fails.
    const planted = `${CANARY} +8613800138000 张三`;
    new Logger({ serviceName: 'canary' }).info(planted);
    console.log(planted);
    const captured = readdirSync(dir as string)
      .filter((f) => f.endsWith('.log'))
      .flatMap((f) => readFileSync(join(dir as string, f), 'utf8').split('\n'))
      .filter((line) => line.includes(CANARY));
    expect(captured.length).toBeGreaterThanOrEqual(2);
    const names = testListNames(process.cwd());
    for (const line of captured) expect(piiReason(line, names)).toBeDefined();
  });

  it('knows the names of the test lists and refuses numbers in every written form', () => {
    const names = testListNames(process.cwd());
    expect(names).toContain('郭超娟');
    expect(piiReason('{"message":"dialed","phone":"+8613800138000"}', names)).toBe('E.164 number');
    expect(piiReason('number 13800138000 busy', names)).toBe('mobile number');
    expect(piiReason('row for 客户12 rejected', names)).toBe('test-list name');
    expect(piiReason('{"customer":"Li","result":"busy"}', names)).toBe('test-list name');
    expect(piiReason('Connect BufferLimitExceeded on 30% of dial requests', names)).toBeUndefined();
    expect(piiReason('{"timestamp":1772413200000,"contactId":"c-1","phoneKey":"Zx9_a"}', names)).toBeUndefined();
  });
});
