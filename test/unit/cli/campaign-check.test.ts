import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkCampaign, checkCampaignFile, formatCampaignCheck } from '#cli/commands/campaign-check';
import { UsageError } from '#cli/errors';
import { main } from '#cli/main';
import { fakeIo } from './fake-io.ts';

const EXAMPLE = fileURLToPath(new URL('../../../examples/campaign.yaml', import.meta.url));

// A New York campaign in JSON, with one Sunday window that straddles the 2027-03-14 spring-forward gap.
const newYork = {
  name: 'Renewal reminders',
  purpose: 'returnVisit',
  requestingDepartment: { name: 'Customer care' },
  planners: ['planner@example.com'],
  script: { text: 'Hello, this is…' },
  defaultRegion: 'US',
  callingRules: {
    timeZone: 'America/New_York',
    windows: { sunday: [{ start: '01:00', end: '04:00' }], monday: [{ start: '09:00', end: '17:00' }] },
  },
  deadline: '2027-03-15T12:00:00-04:00',
  connect: { instanceId: 'i-1', contactFlowId: 'f-1', sourcePhoneNumber: '+12125550100' },
};

describe('checkCampaign', () => {
  it('lists windows of a JSON campaign with the zone offset, across a DST change, cut at the deadline', () => {
    const result = checkCampaign(JSON.stringify(newYork), { from: '2027-03-13T12:00', count: 5 });
    expect(result.valid).toBe(true);
    expect(result.windows).toEqual([
      { start: '2027-03-14T01:00:00-05:00', end: '2027-03-14T04:00:00-04:00' },
      { start: '2027-03-15T09:00:00-04:00', end: '2027-03-15T12:00:00-04:00' },
    ]);
    expect(result.endsAtDeadline).toBe(true);
    const text = formatCampaignCheck('ny.json', result);
    expect(text).toContain('  Sun 2027-03-14 01:00 – 04:00 (UTC-05:00 → -04:00)');
    expect(text.at(-1)).toContain('no calls after the deadline 2027-03-15T12:00:00-04:00');
  });

  it('reads --from with an explicit offset as given and without one in the campaign zone', () => {
    const explicit = checkCampaign(JSON.stringify(newYork), { from: '2027-03-15T14:00:00Z', count: 1 });
    expect(explicit.windows[0]?.start).toBe('2027-03-15T10:00:00-04:00');
    const local = checkCampaign(JSON.stringify(newYork), { from: '2027-03-15T10:00', count: 1 });
    expect(local.windows).toEqual(explicit.windows);
  });

  it('reports every schema problem as a `path: message` line', () => {
    const broken = {
      ...newYork,
      planners: [],
      callingRules: { ...newYork.callingRules, timeZone: 'Mars/Olympus' },
      connect: { ...newYork.connect, sourcePhoneNumber: 12125550100 },
    };
    const result = checkCampaign(JSON.stringify(broken));
    expect(result.valid).toBe(false);
    expect(result.windows).toEqual([]);
    expect(result.errors).toEqual([
      expect.stringMatching(/^planners: /),
      expect.stringMatching(/^callingRules\.timeZone: must be an IANA time zone/),
      expect.stringMatching(/^connect\.sourcePhoneNumber: .*expected string/),
    ]);
    expect(formatCampaignCheck('x.json', result)[0]).toBe('x.json: invalid campaign (3 errors)');
  });

  it('reports YAML syntax errors with their line instead of throwing', () => {
    const result = checkCampaign('name: [unclosed\npurpose: sales\n');
    expect(result.valid).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^\(syntax\): .*line \d+/);
  });

  it('rejects a malformed --from as a usage error', () => {
    expect(() => checkCampaign(JSON.stringify(newYork), { from: 'next tuesday' })).toThrow(UsageError);
  });

  it('turns a missing file into a usage error naming the file', async () => {
    await expect(checkCampaignFile('/nonexistent/campaign.yaml')).rejects.toThrow(
      new UsageError('cannot read campaign file "/nonexistent/campaign.yaml": no such file'),
    );
  });
});

describe('outcall campaign check (in-process)', () => {
  it('--json prints exactly one JSON object and exits 0 for a valid file', async () => {
    const { io, cli } = fakeIo();
    await main(
      ['node', 'outcall', 'campaign', 'check', EXAMPLE, '--from', '2027-02-05T19:00', '--count', '2', '--json'],
      cli,
    );
    expect(io.exitCode).toBe(0);
    expect(io.stderr).toEqual([]);
    expect(io.stdout).toHaveLength(1);
    expect(JSON.parse(io.stdout[0] ?? '')).toEqual({
      valid: true,
      errors: [],
      windows: [
        { start: '2027-02-05T19:00:00+08:00', end: '2027-02-05T20:30:00+08:00' },
        // Spring Festival (02-06..02-13) and Sunday 02-14 are skipped.
        { start: '2027-02-15T09:00:00+08:00', end: '2027-02-15T12:00:00+08:00' },
      ],
    });
  });

  it('exits 2 with one line and no stack for a missing file and for a bad --count', async () => {
    const missing = fakeIo();
    await main(['node', 'outcall', 'campaign', 'check', '/nonexistent/c.yaml', '--json'], missing.cli);
    expect(missing.io.exitCode).toBe(2);
    expect(missing.io.stdout).toEqual([]);
    expect(missing.io.stderr).toEqual(['outcall: cannot read campaign file "/nonexistent/c.yaml": no such file']);

    const badCount = fakeIo();
    await main(['node', 'outcall', 'campaign', 'check', EXAMPLE, '--count', 'many'], badCount.cli);
    expect(badCount.io.exitCode).toBe(2);
    expect(badCount.io.stderr.join('\n')).toMatch(/--count.*invalid/);
    expect(badCount.io.stderr.join('\n')).not.toMatch(/\n\s+at /);
  });
});
