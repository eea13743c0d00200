import type { Agent, DailyLog, PeriodPlan, Team } from '#shared/domain/agents/agent';
import type { Counters } from '#shared/domain/counters';
import { ConflictError } from '#shared/domain/errors';
import type { AgentStore, SentMarker, SentMarkers } from '#shared/ports/agent-store';
import type { Mailer, MailMessage } from '#shared/ports/mailer';

/** In-memory agent store with the same semantics as the DynamoDB one (conditional log writes, marker claims). */
export class InMemoryAgentStore implements AgentStore, SentMarkers {
  readonly teams = new Map<string, Team>();
  readonly agents = new Map<string, Agent>();
  readonly logs = new Map<string, DailyLog>();
  readonly plans = new Map<string, PeriodPlan>();
  readonly counters = new Map<string, Counters>();
  readonly markers = new Map<string, { claimedAt: string; sentAt?: string }>();

  setCounters(agentId: string, day: string, counters: Counters): void {
    this.counters.set(`${agentId}/${day}`, counters);
  }

  async getTeam(teamId: string) {
    return structuredClone(this.teams.get(teamId));
  }
  async putTeam(team: Team) {
    this.teams.set(team.id, structuredClone(team));
  }
  async listTeams() {
    return [...this.teams.values()].sort((a, b) => a.id.localeCompare(b.id)).map((t) => structuredClone(t));
  }
  async getAgent(agentId: string) {
    return structuredClone(this.agents.get(agentId));
  }
  async putAgent(agent: Agent) {
    this.agents.set(agent.id, structuredClone(agent));
  }
  async listTeamAgents(teamId: string) {
    return [...this.agents.values()].filter((a) => a.teamId === teamId).map((a) => structuredClone(a));
  }
  async getDailyLog(agentId: string, day: string) {
    return structuredClone(this.logs.get(`${agentId}/${day}`));
  }
  async getDailyLogs(agentIds: readonly string[], day: string) {
    const out = new Map<string, DailyLog>();
    for (const id of agentIds) {
      const log = this.logs.get(`${id}/${day}`);
      if (log) out.set(id, structuredClone(log));
    }
    return out;
  }
  async saveDailyLog(log: DailyLog, expectedSubmissions: number) {
    const key = `${log.agentId}/${log.day}`;
    if ((this.logs.get(key)?.submissions ?? 0) !== expectedSubmissions) throw new ConflictError('concurrent log');
    this.logs.set(key, structuredClone(log));
  }
  async getPlans(agentIds: readonly string[], periodStart: string) {
    const out = new Map<string, PeriodPlan>();
    for (const id of agentIds) {
      const plan = this.plans.get(`${id}/${periodStart}`);
      if (plan) out.set(id, structuredClone(plan));
    }
    return out;
  }
  async putPlan(plan: PeriodPlan) {
    this.plans.set(`${plan.agentId}/${plan.periodStart}`, structuredClone(plan));
  }
  async agentDayCounters(agentId: string, day: string) {
    return { ...this.counters.get(`${agentId}/${day}`) };
  }
  async claim(marker: SentMarker, at: Date, staleBefore: Date) {
    const key = markerKey(marker);
    const current = this.markers.get(key);
    if (current && (current.sentAt !== undefined || current.claimedAt >= staleBefore.toISOString())) return false;
    this.markers.set(key, { claimedAt: at.toISOString() });
    return true;
  }
  async confirm(marker: SentMarker, at: Date) {
    const current = this.markers.get(markerKey(marker));
    if (current) current.sentAt = at.toISOString();
  }
  async release(marker: SentMarker) {
    const key = markerKey(marker);
    if (this.markers.get(key)?.sentAt === undefined) this.markers.delete(key);
  }
}

function markerKey(m: SentMarker): string {
  return `${m.kind}#${m.scope}#${m.period}/${m.recipient}`;
}

/** Records messages; `failFor` makes sends to those addresses throw. */
export class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  readonly failFor = new Set<string>();
  async send(message: MailMessage) {
    if (message.to.some((to) => this.failFor.has(to))) throw new Error('mail refused');
    this.sent.push(message);
  }
}
