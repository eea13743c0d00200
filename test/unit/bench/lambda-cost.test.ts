import { describe, expect, it } from 'vitest';
import { billedMs, gbSeconds, ONE_VCPU_MB } from '../../../bench/lib/lambda-cost.ts';

describe('bench lambda cost model', () => {
  it('stretches CPU time below one vCPU and leaves waiting time alone', () => {
    expect(billedMs({ cpuMs: 10, waitMs: 0 }, ONE_VCPU_MB)).toBe(10);
    expect(billedMs({ cpuMs: 10, waitMs: 0 }, ONE_VCPU_MB / 2)).toBe(20);
    expect(billedMs({ cpuMs: 0, waitMs: 12 }, 128)).toBe(12);
    expect(billedMs({ cpuMs: 10, waitMs: 12 }, ONE_VCPU_MB / 4)).toBe(52);
  });

  it('does not shorten single-threaded CPU time above one vCPU, and bills started milliseconds', () => {
    expect(billedMs({ cpuMs: 10, waitMs: 0 }, 2 * ONE_VCPU_MB)).toBe(10);
    expect(billedMs({ cpuMs: 1.2, waitMs: 0.1 }, ONE_VCPU_MB)).toBe(2);
  });

  it('prices GB-seconds by memory and invocations', () => {
    expect(gbSeconds(1000, { cpuMs: 0, waitMs: 100 }, 512)).toBeCloseTo(50, 10);
    expect(gbSeconds(1000, { cpuMs: 0, waitMs: 100 }, 1024)).toBeCloseTo(100, 10);
  });

  it('refuses nonsense', () => {
    expect(() => billedMs({ cpuMs: 1, waitMs: 1 }, 0)).toThrow(RangeError);
    expect(() => billedMs({ cpuMs: -1, waitMs: 1 }, 128)).toThrow(RangeError);
  });
});
