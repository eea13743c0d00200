import {
  type AgentFigures,
  type CampaignFigures,
  type CounterBag,
  type DeadlineProgress,
  sumBags,
} from '#shared/domain/reports/figures';
import type { Period, ReportKind } from '#shared/domain/reports/period';

/** One day of a trend chart. */
export interface TrendPoint {
  day: string;
  dials: number;
  connects: number;
  effective: number;
  conversions: number;
}

export interface CampaignSection {
  campaignId: string;
  name: string;
  state: string;
  /** Figures of the report period. */
  period: CampaignFigures;
  /** Figures of the period before, for the change column. */
  previous: CampaignFigures;
  /** Figures from the campaign's first day to the end of the period (penetration and progress read these). */
  toDate: CampaignFigures;
  progress?: DeadlineProgress | undefined;
  trend: TrendPoint[];
}

/** A whole report, ready to render as HTML, CSV and XLSX. Holds no phone number; agent names only for display. */
export interface Report {
  kind: ReportKind;
  scope: { type: 'team' | 'campaign'; id: string; name: string };
  period: Period;
  previousPeriod: Period;
  /** IANA zone the days are counted in. */
  timeZone: string;
  generatedAt: string;
  campaigns: CampaignSection[];
  agents: AgentFigures[];
  /** Agent figures of the previous period, by agent id, for the change column. */
  previousAgents: Record<string, AgentFigures>;
  top: AgentFigures[];
  bottom: AgentFigures[];
  /** Team (or campaign) totals per day of the trend window. */
  trend: TrendPoint[];
  /** Pilot review: what the planners should decide, from the figures. */
  decisions: string[];
  /** Where the archived copy is (filled in when archived). */
  link?: string | undefined;
  /** Held-back reasons could not be read (diagnostics unavailable). */
  notes: string[];
}

/** Turns counter items by day into a trend over `days` (missing days are zeros). */
export function trendOf(byDay: ReadonlyMap<string, CounterBag>, days: readonly string[]): TrendPoint[] {
  return days.map((day) => {
    const c = byDay.get(day) ?? {};
    return {
      day,
      dials: c.dials ?? 0,
      connects: c.connects ?? 0,
      effective: c.effective ?? 0,
      conversions: c.conversions ?? 0,
    };
  });
}

/** Sums the counters of the days `from`–`to` (inclusive) out of a by-day map. */
export function sumDays(byDay: ReadonlyMap<string, CounterBag>, from: string, to: string): Record<string, number> {
  return sumBags([...byDay].filter(([day]) => day >= from && day <= to).map(([, bag]) => bag));
}

/** Thresholds behind the pilot review's advice; a planner reads them in docs/reports.md. */
export const PILOT_THRESHOLDS = {
  minConnectRate: 0.3,
  maxInvalidRate: 0.1,
  minConversionRate: 0.05,
  maxAbandonmentRate: 0.03,
} as const;

/**
 * What the planners should decide after a pilot (试外呼): launch, or tune and re-run the pilot. Each point names the
 * figure behind it, so the advice can be checked against the table.
 */
export function pilotDecisions(f: CampaignFigures): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const out: string[] = [];
  if (f.dials === 0)
    return [
      '试外呼没有拨打记录：请先确认名单已发布、呼叫时段和 Connect 配置 / the pilot placed no calls: check the list, calling windows and Connect settings.',
    ];
  if (f.invalidRate !== undefined && f.invalidRate > PILOT_THRESHOLDS.maxInvalidRate) {
    out.push(
      `空号率 ${pct(f.invalidRate)} 偏高：清洗名单后再上线 / invalid numbers ${pct(f.invalidRate)}: clean the list before launch.`,
    );
  }
  if (f.connectRate !== undefined && f.connectRate < PILOT_THRESHOLDS.minConnectRate) {
    out.push(
      `接通率 ${pct(f.connectRate)} 偏低：调整呼叫时段或重拨策略 / connect rate ${pct(f.connectRate)}: revisit calling windows and retry policy.`,
    );
  }
  if (f.conversionRate !== undefined && f.conversionRate < PILOT_THRESHOLDS.minConversionRate) {
    out.push(
      `转化率 ${pct(f.conversionRate)} 偏低：优化话术后重新试外呼 / conversion ${pct(f.conversionRate)}: tune the script and re-run the pilot.`,
    );
  }
  if (f.abandonmentRate !== undefined && f.abandonmentRate > PILOT_THRESHOLDS.maxAbandonmentRate) {
    out.push(
      `放弃率 ${pct(f.abandonmentRate)} 偏高：降低拨打速度 / abandonment ${pct(f.abandonmentRate)}: lower the pacing or capacity.`,
    );
  }
  if (f.complaints > 0)
    out.push(`有 ${f.complaints} 起投诉：复核话术与录音 / ${f.complaints} complaint(s): review script and recordings.`);
  if (out.length === 0) out.push('各项指标达标：可以上线 (launch) / every figure within its threshold: launch.');
  else out.push('决定：调整后重新试外呼 (repilot) 或上线 (launch) / decide: repilot after tuning, or launch.');
  return out;
}
