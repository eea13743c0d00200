import { isDeepStrictEqual } from 'node:util';
import { type Agent, agentIdSchema, type Team, teamIdSchema, teamSettingsSchema } from '#shared/domain/agents/agent';
import type { RosterDeps } from '#shared/use-cases/agents/deps';

export interface RosterSyncResult {
  users: number;
  agentsCreated: number;
  agentsUpdated: number;
  agentsDeactivated: number;
  teamsCreated: number;
  /** Connect users whose id cannot be an agent id (never expected; counted, not logged by name). */
  skipped: number;
}

/**
 * Brings agents and teams in line with the Connect roster (scheduled). Connect owns id, ARN, name, e-mail and the
 * hierarchy group (the team); outcall keeps start date, days off, API identity and every team setting. A hierarchy
 * group seen for the first time becomes a team with default settings in `defaultTimeZone`, to be completed by a
 * planner. Agents of known teams that left the roster are kept, marked inactive. Unchanged items are not rewritten.
 */
export async function syncRoster(deps: RosterDeps): Promise<RosterSyncResult> {
  const now = deps.clock.now().toISOString();
  const users = await deps.roster.listUsers();
  const result: RosterSyncResult = {
    users: users.length,
    agentsCreated: 0,
    agentsUpdated: 0,
    agentsDeactivated: 0,
    teamsCreated: 0,
    skipped: 0,
  };
  const teams = new Map((await deps.store.listTeams()).map((t) => [t.id, t]));
  for (const user of users) {
    const g = user.hierarchyGroup;
    if (!g || !teamIdSchema.safeParse(g.id).success) continue;
    const existing = teams.get(g.id);
    if (existing && existing.name === g.name && existing.connectHierarchyGroupArn === g.arn) continue;
    const team: Team = existing
      ? { ...existing, name: g.name, connectHierarchyGroupArn: g.arn, updatedAt: now, updatedBy: 'roster' }
      : {
          ...teamSettingsSchema.parse({ name: g.name, timeZone: deps.defaultTimeZone ?? 'Asia/Shanghai' }),
          id: g.id,
          connectHierarchyGroupArn: g.arn,
          updatedAt: now,
          updatedBy: 'roster',
        };
    if (!existing) result.teamsCreated++;
    await deps.store.putTeam(team);
    teams.set(team.id, team);
  }

  const seen = new Set<string>();
  for (const user of users) {
    if (!agentIdSchema.safeParse(user.connectUserId).success) {
      result.skipped++;
      continue;
    }
    seen.add(user.connectUserId);
    const existing = await deps.store.getAgent(user.connectUserId);
    const base: Agent = existing ?? { id: user.connectUserId, daysOff: [], active: true, updatedAt: now };
    const { name: _n, email: _e, connectUserArn: _a, ...kept } = base;
    const merged: Agent = {
      ...kept,
      connectUserArn: user.connectUserArn,
      ...(user.name !== undefined ? { name: user.name } : {}),
      ...(user.email !== undefined ? { email: user.email } : {}),
      ...(user.hierarchyGroup && teams.has(user.hierarchyGroup.id) ? { teamId: user.hierarchyGroup.id } : {}),
      active: true,
      updatedAt: base.updatedAt,
    };
    if (existing && isDeepStrictEqual(merged, existing)) continue;
    await deps.store.putAgent({ ...merged, updatedAt: now });
    if (existing) result.agentsUpdated++;
    else result.agentsCreated++;
  }

  for (const team of teams.values()) {
    for (const agent of await deps.store.listTeamAgents(team.id)) {
      // Only agents that came from Connect can leave it; one entered by hand (no ARN) stays as it is.
      if (seen.has(agent.id) || !agent.active || agent.connectUserArn === undefined) continue;
      await deps.store.putAgent({ ...agent, active: false, updatedAt: now });
      result.agentsDeactivated++;
    }
  }
  return result;
}
