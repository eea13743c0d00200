import { isDeepStrictEqual } from 'node:util';
import {
  type Agent,
  agentIdSchema,
  agentNameSchema,
  isMailableAddress,
  type Team,
  teamIdSchema,
  teamSettingsSchema,
} from '#shared/domain/agents/agent';
import type { RosterDeps } from '#shared/use-cases/agents/deps';

export interface RosterSyncResult {
  users: number;
  agentsCreated: number;
  agentsUpdated: number;
  agentsDeactivated: number;
  teamsCreated: number;
  /** Connect users whose id cannot be an agent id (never expected; counted, not logged by name). */
  skipped: number;
  /**
   * Agent ids of Connect users whose e-mail outcall cannot mail (valid to Connect, refused by the agent's address
   * check): stored without it, so they get no reminders until the address is fixed in Connect. Reported every run.
   */
  unmailable: string[];
}

/**
 * Brings agents and teams in line with the Connect roster (scheduled). Connect owns id, ARN, name, e-mail and the
 * hierarchy group (the team); outcall keeps start date, days off, API identity and every team setting. A hierarchy
 * group seen for the first time becomes a team with default settings in `defaultTimeZone`, to be completed by a
 * planner. Agents of known teams that left the roster are kept, marked inactive. Unchanged items are not rewritten.
 * What Connect gives is checked here against what a read of the agent or team accepts: a field that would not pass is
 * left out (and an unusable e-mail reported), as one unreadable agent would make its whole team unreadable.
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
    unmailable: [],
  };
  const teams = new Map((await deps.store.listTeams()).map((t) => [t.id, t]));
  for (const user of users) {
    const g = user.hierarchyGroup;
    if (!g || !teamIdSchema.safeParse(g.id).success) continue;
    const existing = teams.get(g.id);
    const name = teamName(g.name);
    const sameName = name === undefined || existing?.name === name;
    if (existing && sameName && existing.connectHierarchyGroupArn === g.arn) continue;
    const team: Team = existing
      ? {
          ...existing,
          ...(name !== undefined ? { name } : {}),
          connectHierarchyGroupArn: g.arn,
          updatedAt: now,
          updatedBy: 'roster',
        }
      : {
          ...teamSettingsSchema.parse({
            ...(name !== undefined ? { name } : {}),
            timeZone: deps.defaultTimeZone ?? 'Asia/Shanghai',
          }),
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
    // Connect owns name and e-mail: one it gives that we cannot use replaces the stored one by none.
    const name = user.name !== undefined && agentNameSchema.safeParse(user.name).success ? user.name : undefined;
    const email = user.email !== undefined && isMailableAddress(user.email) ? user.email : undefined;
    if (user.email !== undefined && email === undefined) result.unmailable.push(user.connectUserId);
    const merged: Agent = {
      ...kept,
      connectUserArn: user.connectUserArn,
      ...(name !== undefined ? { name } : {}),
      ...(email !== undefined ? { email } : {}),
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

/**
 * The team name a hierarchy group's name gives, as a read of the team returns it (trimmed), or none when it does not
 * fit one: the team then keeps the name it has, or shows by its id.
 */
function teamName(groupName: string): string | undefined {
  const parsed = teamSettingsSchema.shape.name.safeParse(groupName);
  return parsed.success ? parsed.data : undefined;
}
