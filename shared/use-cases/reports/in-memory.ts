import type { Agent, DailyLog, Team } from '#shared/domain/agents/agent';
import type { CounterScope } from '#shared/domain/counters';
import { type CounterBag, sumBags } from '#shared/domain/reports/figures';
import { DEFAULT_REPORT_SETTINGS, type ReportSettings } from '#shared/domain/reports/recipients';
import type { ReportArchive, ReportMail, ReportMailer } from '#shared/ports/report-delivery';
import type { ReportMarker, ReportMarkers, ReportReads, ReportSettingsStore } from '#shared/ports/report-store';
import type { ReportBuildDeps } from '#shared/use-cases/reports/build-report';

/**
 * In-memory stand-ins for the report ports: the CLI's `--demo` and the unit tests use them. They keep the DynamoDB
 * adapters' observable behaviour (shards summed per day, markers pending → sent with stale take-over) and count the
 * requests the DynamoDB adapter would make.
 */
export class InMemoryReportReads implements ReportReads, ReportSettingsStore {
  readonly #counters = new Map<string, CounterBag>();
  readonly #lists = new Map<string, number>();
  #settings: ReportSettings = DEFAULT_REPORT_SETTINGS;
  /** Requests a DynamoDB adapter would have made (one Query or GetItem each). */
  requests = 0;

  /** ADDs `values` to the counter item of the entity, day and shard, as outcomes and QA do. */
  add(scope: CounterScope, id: string, day: string, values: CounterBag, shard = 0): void {
    const key = `${scope}#${id}#${day}#${shard}`;
    this.#counters.set(key, sumBags([this.#counters.get(key) ?? {}, values]));
  }

  setListSize(campaignId: string, size: number): void {
    this.#lists.set(campaignId, size);
  }

  async counters(scope: CounterScope, id: string, from: string, to: string): Promise<Map<string, CounterBag>> {
    this.requests++;
    const byDay = new Map<string, CounterBag[]>();
    for (const [key, bag] of this.#counters) {
      const [s, i, day] = key.split('#');
      if (s === scope && i === id && day !== undefined && day >= from && day <= to) {
        byDay.set(day, [...(byDay.get(day) ?? []), bag]);
      }
    }
    return new Map([...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([d, bags]) => [d, sumBags(bags)]));
  }

  async listSize(campaignId: string): Promise<number | undefined> {
    this.requests++;
    return this.#lists.get(campaignId);
  }

  async settings(): Promise<ReportSettings> {
    this.requests++;
    return structuredClone(this.#settings);
  }

  async putSettings(settings: ReportSettings): Promise<void> {
    this.#settings = structuredClone(settings);
  }
}

/** Teams, agents and logs in memory (the part of `AgentStore` reports read). */
export class InMemoryReportAgents implements Pick<ReportBuildDeps['agents'], 'getTeam'> {
  readonly teams = new Map<string, Team>();
  readonly agents = new Map<string, Agent>();
  readonly logs = new Map<string, DailyLog>();

  async getTeam(teamId: string): Promise<Team | undefined> {
    return this.teams.get(teamId);
  }
  async listTeams(): Promise<Team[]> {
    return [...this.teams.values()];
  }
  async listTeamAgents(teamId: string): Promise<Agent[]> {
    return [...this.agents.values()].filter((a) => a.teamId === teamId);
  }
  async getDailyLogs(agentIds: readonly string[], day: string): Promise<Map<string, DailyLog>> {
    const out = new Map<string, DailyLog>();
    for (const id of agentIds) {
      const log = this.logs.get(`${id}#${day}`);
      if (log) out.set(id, log);
    }
    return out;
  }
}

export class InMemoryReportMarkers implements ReportMarkers {
  readonly items = new Map<string, { claimedAt: string; sentAt?: string }>();

  async claim(marker: ReportMarker, at: Date, staleBefore: Date): Promise<'claimed' | 'sent' | 'busy'> {
    const key = markerId(marker);
    const found = this.items.get(key);
    if (found?.sentAt) return 'sent';
    if (found && found.claimedAt >= staleBefore.toISOString()) return 'busy';
    this.items.set(key, { claimedAt: at.toISOString() });
    return 'claimed';
  }
  async confirm(marker: ReportMarker, at: Date): Promise<void> {
    const key = markerId(marker);
    this.items.set(key, { claimedAt: this.items.get(key)?.claimedAt ?? at.toISOString(), sentAt: at.toISOString() });
  }
  async release(marker: ReportMarker): Promise<void> {
    const key = markerId(marker);
    if (!this.items.get(key)?.sentAt) this.items.delete(key);
  }
}

export const markerId = (m: ReportMarker) => `SENT#${m.kind}#${m.scope}#${m.period}/${m.part}`;

/** Keeps every message; `failNext` makes the next sends throw, like an SES outage. */
export class RecordingReportMailer implements ReportMailer {
  readonly sent: ReportMail[] = [];
  failNext = 0;
  async send(mail: ReportMail): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('mail service unavailable');
    }
    this.sent.push(mail);
  }
}

export class InMemoryReportArchive implements ReportArchive {
  readonly objects = new Map<string, { body: string | Uint8Array; contentType: string }>();
  async put(key: string, body: string | Uint8Array, contentType: string): Promise<string> {
    this.objects.set(key, { body, contentType });
    return `memory://reports/${key}`;
  }
}
