import { InMemoryCampaignRepository } from '#shared/adapters/memory/campaign-repository';
import { ManualClock } from '#shared/adapters/memory/clock';
import { InMemoryEventPublisher } from '#shared/adapters/memory/event-publisher';
import { teamSchema } from '#shared/domain/agents/agent';
import { type CampaignState, campaignSpecSchema } from '#shared/domain/campaign';
import {
  InMemoryReportAgents,
  InMemoryReportArchive,
  InMemoryReportMarkers,
  InMemoryReportReads,
  RecordingReportMailer,
} from '#shared/use-cases/reports/in-memory';
import type { ReportDeps } from '#shared/use-cases/reports/send-reports';
import { campaignSpecInput } from '#test/integration/helpers/campaign-spec';

export interface ReportWorldOptions {
  /** The clock's start. */
  now: string;
  /** Team t1's lead address, as the test wants it spelled. */
  leadEmail: string;
  /** Agent a1's `updatedAt`. */
  a1UpdatedAt: string;
}

/**
 * The in-memory report world the report tests share: team t1 (Asia/Shanghai) with active agent a1,
 * one manager, and the campaign use cases on the same repository and clock.
 */
export function reportWorld({ now, leadEmail, a1UpdatedAt }: ReportWorldOptions) {
  const clock = new ManualClock(now);
  const reads = new InMemoryReportReads();
  const agents = new InMemoryReportAgents();
  const repository = new InMemoryCampaignRepository();
  const events = new InMemoryEventPublisher();
  const markers = new InMemoryReportMarkers();
  const mailer = new RecordingReportMailer();
  const archive = new InMemoryReportArchive();
  agents.teams.set(
    't1',
    teamSchema.parse({
      id: 't1',
      name: '一组',
      leadEmails: [leadEmail],
      timeZone: 'Asia/Shanghai',
      updatedAt: 'x',
      updatedBy: 'x',
    }),
  );
  agents.agents.set('a1', {
    id: 'a1',
    name: '张伟',
    teamId: 't1',
    active: true,
    daysOff: [],
    startDate: '2025-01-01',
    updatedAt: a1UpdatedAt,
  });
  const deps: ReportDeps = {
    reads,
    agents,
    campaigns: repository,
    clock,
    markers,
    mailer,
    archive,
    managerEmails: ['boss@x.cn'],
    campaignUseCases: { repository, events, clock },
  };
  return { deps, reads, agents, repository, markers, mailer, archive, clock, events };
}

export type ReportWorld = ReturnType<typeof reportWorld>;

/** Stores campaign `id` of team t1 (requested by 客户服务部) in `state`, created 2026-03-01. */
export async function addReportCampaign(w: ReportWorld, id: string, state: CampaignState, updatedAt: string) {
  const spec = campaignSpecSchema.parse({
    ...campaignSpecInput(),
    teamIds: ['t1'],
    requestingDepartment: { name: '客户服务部', email: 'cs@x.cn' },
  });
  await w.repository.create({
    ...spec,
    id,
    state,
    pilotSkipped: false,
    revision: 1,
    createdAt: '2026-03-01T01:00:00Z',
    updatedAt,
    createdBy: 'p',
  });
}
