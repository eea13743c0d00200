import { ManualClock } from '#shared/adapters/memory/clock';
import { type Agent, type TeamSettingsInput, teamSchema } from '#shared/domain/agents/agent';
import { InMemoryAgentStore, RecordingMailer } from '#test/unit/agents/fakes';

/** A store with one team (Asia/Shanghai, shift end 18:00, Mon–Fri) and the given agents, a mailer and a clock. */
export function world(settings: Partial<TeamSettingsInput> = {}, agents: Partial<Agent>[] = []) {
  const store = new InMemoryAgentStore();
  const mailer = new RecordingMailer();
  const clock = new ManualClock('2026-03-02T01:00:00.000Z');
  const team = teamSchema.parse({
    id: 't1',
    name: '一组',
    timeZone: 'Asia/Shanghai',
    leadEmails: ['lead@example.com'],
    updatedAt: '2026-01-01T00:00:00.000Z',
    updatedBy: 'planner-1',
    ...settings,
  });
  store.teams.set(team.id, team);
  for (const a of agents) {
    const agent: Agent = {
      id: 'a1',
      teamId: team.id,
      daysOff: [],
      active: true,
      updatedAt: '2026-01-01T00:00:00.000Z',
      ...a,
    };
    store.agents.set(agent.id, agent);
  }
  return { store, mailer, clock, team, deps: { store, markers: store, mailer, clock } };
}

export const agentActor = (id: string) => ({ id, roles: ['agent'] });
export const planner = { id: 'planner-1', roles: ['planner'] };
