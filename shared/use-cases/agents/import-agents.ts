import { agentIdSchema, agentSettingsSchema } from '#shared/domain/agents/agent';
import { issuesFrom } from '#shared/domain/errors';
import type { SheetRow } from '#shared/ports/list-intake';
import type { Actor, AgentDeps } from '#shared/use-cases/agents/deps';
import { updateAgentSettings } from '#shared/use-cases/agents/teams';

/**
 * `agents/<file>.csv` (or .xlsx) in the uploads bucket: one row per agent with what Connect does not hold. Columns,
 * matched case-insensitively, English or Chinese: agentId (工号, Connect user id), teamId (班组), startDate (入职日期,
 * YYYY-MM-DD), daysOff (休息日, dates separated by `;`, `,`, `、` or spaces), apiPrincipal. Empty cells leave the
 * stored value alone. Each row is applied like `PATCH /agents/{agentId}`; a bad row is reported, the others applied.
 */

const COLUMNS: Record<string, 'agentId' | 'teamId' | 'startDate' | 'daysOff' | 'apiPrincipal'> = {
  agentid: 'agentId',
  'agent id': 'agentId',
  connectuserid: 'agentId',
  工号: 'agentId',
  坐席: 'agentId',
  teamid: 'teamId',
  'team id': 'teamId',
  team: 'teamId',
  班组: 'teamId',
  startdate: 'startDate',
  'start date': 'startDate',
  入职日期: 'startDate',
  daysoff: 'daysOff',
  'days off': 'daysOff',
  休息日: 'daysOff',
  apiprincipal: 'apiPrincipal',
};

export interface AgentImportResult {
  applied: number;
  rejected: { row: number; reason: string }[];
}

export async function importAgentRows(
  deps: AgentDeps,
  actor: Actor,
  rows: AsyncIterable<SheetRow> | Iterable<SheetRow>,
): Promise<AgentImportResult> {
  const result: AgentImportResult = { applied: 0, rejected: [] };
  let header: (string | undefined)[] | undefined;
  for await (const row of rows) {
    if (row.cells.every((c) => c.trim() === '')) continue;
    if (!header) {
      header = row.cells.map((c) => COLUMNS[c.trim().toLowerCase()]);
      if (!header.includes('agentId')) {
        result.rejected.push({ row: row.row, reason: 'the header has no agentId (工号) column' });
        return result;
      }
      continue;
    }
    const fields: Record<string, string> = {};
    header.forEach((column, i) => {
      const value = row.cells[i]?.trim() ?? '';
      if (column && value !== '') fields[column] = value;
    });
    const { agentId = '', daysOff, ...rest } = fields;
    if (!agentIdSchema.safeParse(agentId).success) {
      result.rejected.push({ row: row.row, reason: 'agentId is missing or not an agent id' });
      continue;
    }
    const patch = {
      ...rest,
      ...(daysOff === undefined ? {} : { daysOff: daysOff.split(/[;,、\s]+/u).filter(Boolean) }),
    };
    const parsed = agentSettingsSchema.partial().strict().safeParse(patch);
    if (!parsed.success) {
      const issue = issuesFrom(parsed.error.issues)[0];
      result.rejected.push({ row: row.row, reason: issue ? `${issue.path}: ${issue.message}` : 'invalid' });
      continue;
    }
    try {
      await updateAgentSettings(deps, actor, agentId, patch);
      result.applied++;
    } catch (error) {
      // Use-case errors are written for the planner (e.g. an unknown team); anything else is ours to fail on.
      if (!(error instanceof Error) || !['ValidationError', 'NotFoundError'].includes(error.name)) throw error;
      result.rejected.push({ row: row.row, reason: error.message });
    }
  }
  return result;
}
