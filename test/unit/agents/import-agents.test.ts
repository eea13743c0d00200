import { describe, expect, it } from 'vitest';
import type { SheetRow } from '#shared/ports/list-intake';
import { importAgentRows } from '#shared/use-cases/agents/import-agents';
import { planner, world } from '#test/unit/agents/setup';

async function* rows(lines: string[][]): AsyncGenerator<SheetRow> {
  let row = 0;
  for (const cells of lines) yield { row: ++row, cells };
}

describe('agents file import', () => {
  it('applies rows by Chinese or English headers, leaves empty cells alone and reports bad rows', async () => {
    const w = world({}, [{ id: 'a1', startDate: '2025-01-01', email: 'a1@example.com' }]);
    const result = await importAgentRows(
      w.deps,
      planner,
      rows([
        ['工号', '入职日期', '班组', '休息日'],
        ['a1', '', 't1', '2026-03-05、2026-03-06'],
        ['a9', '2026-03-01', 't1', ''],
        ['a2', '2026-02-30', '', ''],
        ['a3', '', 'no-such-team', ''],
        ['', '2026-03-01', '', ''],
      ]),
    );
    expect(result.applied).toBe(2);
    expect(result.rejected.map((r) => r.row)).toEqual([4, 5, 6]);
    expect(w.store.agents.get('a1')).toMatchObject({
      startDate: '2025-01-01',
      daysOff: ['2026-03-05', '2026-03-06'],
      email: 'a1@example.com',
    });
    expect(w.store.agents.get('a9')).toMatchObject({ startDate: '2026-03-01', teamId: 't1', active: true });
  });

  it('refuses a file without an agent id column', async () => {
    const w = world();
    const result = await importAgentRows(
      w.deps,
      planner,
      rows([
        ['name', 'team'],
        ['x', 't1'],
      ]),
    );
    expect(result).toEqual({ applied: 0, rejected: [{ row: 1, reason: 'the header has no agentId (工号) column' }] });
  });
});
