import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { checkList, register } from '#cli/commands/lists-check';
import { fixture } from '#test/unit/intake/helpers';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}
const defaults = { region: 'CN', timeZone: 'Asia/Shanghai', maxMb: 512 };

describe('outcall lists check', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('--json prints exactly one JSON object with the summary and exits 0 despite rejects', async () => {
    const { io, out, err } = capture();
    const code = await checkList(fixture('gbk.csv'), { ...defaults, json: true }, io);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0] ?? '')).toEqual({
      rows: 3,
      accepted: 2,
      duplicates: 0,
      suppressed: 0,
      rejected: 1,
      reasons: { scientific_notation: 1 },
      encoding: 'gb18030',
    });
  });

  it('writes rejected rows to --rejects as CSV', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lists-check-'));
    const rejects = join(dir, 'rejects.csv');
    const code = await checkList(fixture('crlf-quoted.csv'), { ...defaults, rejects }, capture().io);
    expect(code).toBe(0);
    expect((await readFile(rejects, 'utf8')).replace(/^\uFEFF/, '')).toBe('row,raw,reason\n4,12345,invalid_number\n');
  });

  it.each([
    ['empty.csv', /empty/],
    ['no-phone.csv', /no phone column.*手机/],
    ['legacy.xls', /\.xls/],
    ['image.png', /binary/],
    ['does-not-exist.csv', /no such file/],
  ])('fails on %s with one line and a non-zero code', async (name, message) => {
    const { io, out, err } = capture();
    const code = await checkList(fixture(name), { ...defaults, json: true }, io);
    expect(code).toBe(name.startsWith('does-not') ? 2 : 1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
    expect(err[0]).not.toMatch(/\n|at .*\.ts:/);
  });

  it('refuses a file over --max-mb and an unknown region', async () => {
    const big = capture();
    expect(await checkList(fixture('gbk.csv'), { ...defaults, maxMb: 0 }, big.io)).toBe(1);
    expect(big.err[0]).toMatch(/larger than the limit/);
    const region = capture();
    expect(await checkList(fixture('gbk.csv'), { ...defaults, region: 'XX' }, region.io)).toBe(2);
    expect(region.err[0]).toMatch(/unknown region/);
  });

  it('registers `lists check` with its options, beside other `lists` commands', () => {
    const program = new Command();
    program.command('lists').command('upload');
    register(program);
    const lists = program.commands.filter((c) => c.name() === 'lists');
    expect(lists).toHaveLength(1);
    const check = lists[0]?.commands.find((c) => c.name() === 'check');
    expect(check?.options.map((o) => o.long)).toEqual(['--region', '--json', '--rejects', '--time-zone', '--max-mb']);
  });

  it('runs through commander and reports its exit code on the io', async () => {
    const { io, out } = capture();
    const codes: number[] = [];
    const program = new Command().exitOverride();
    register(program, { ...io, setExitCode: (c) => void codes.push(c) });
    await program.parseAsync(['lists', 'check', fixture('utf8-bom.csv'), '--json', '--region', 'cn'], { from: 'user' });
    expect(codes).toEqual([0]);
    expect(JSON.parse(out[0] ?? '')).toMatchObject({ rows: 3, accepted: 2, encoding: 'utf-8-bom' });
  });
});
