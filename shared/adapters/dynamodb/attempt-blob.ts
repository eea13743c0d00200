import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CounterContribution, CounterValues } from '#shared/domain/outcomes/derive';
import { canonical } from '#shared/domain/outcomes/facts';
import type { StoredAttempt } from '#shared/ports/outcome-store';

/**
 * The attempt item's `fz` attribute: its facts and what it has counted, as one deflated JSON blob (≈ 1/3 of the JSON,
 * which repeats the contact and agent ids; write units are per started KB of the whole item). Read by the outcome
 * store and by the counters' stream handler, which takes the difference of two images' counts.
 */

/**
 * What an attempt has added to the counters, stored compactly: the campaign's, agent's and team's shares always have
 * the same day and values (derive.ts `counterContributions`), so they are kept once. Any other shape is kept as the
 * plain list (`l`), so nothing is lost if the rule changes.
 */
type CompactCounted = { d: string; v: CounterValues; a?: string; t?: string } | { l: CounterContribution[] } | null;

/**
 * `s: 1` says the counters of this image are applied from the table's stream. A blob without it was written by the
 * recorder that ADDed its counts in the attempt's own transaction (before the stream aggregator was deployed): its
 * stream record must not count them again.
 */
interface Blob {
  f: StoredAttempt['facts'];
  c: CompactCounted;
  s?: 1;
}

export interface UnpackedAttempt {
  facts: StoredAttempt['facts'];
  counted: CounterContribution[];
  /** The counts are the stream's to apply (see {@link Blob}). */
  byStream: boolean;
}

export function packFacts(
  campaignId: string,
  facts: StoredAttempt['facts'],
  counted: readonly CounterContribution[],
): Uint8Array {
  const blob: Blob = { f: facts, c: encodeCounted(campaignId, counted), s: 1 };
  return deflateRawSync(JSON.stringify(blob));
}

export function unpackFacts(campaignId: string, blob: Uint8Array): UnpackedAttempt {
  const { f, c, s } = JSON.parse(inflateRawSync(blob).toString('utf8')) as Blob;
  return { facts: f, counted: decodeCounted(campaignId, c), byStream: s === 1 };
}

function encodeCounted(campaignId: string, counted: readonly CounterContribution[]): CompactCounted {
  const [c, agent, team, ...rest] = counted;
  if (!c) return null;
  const same = (x: CounterContribution | undefined) =>
    x !== undefined && x.day === c.day && canonical(x.values) === canonical(c.values);
  const plain = c.scope === 'CAMPAIGN' && c.id === campaignId && rest.length === 0;
  if (plain && agent === undefined) return { d: c.day, v: c.values };
  if (plain && agent?.scope === 'AGENT' && team?.scope === 'TEAM' && same(agent) && same(team)) {
    return { d: c.day, v: c.values, a: agent.id, t: team.id };
  }
  return { l: [...counted] };
}

function decodeCounted(campaignId: string, stored: CompactCounted): CounterContribution[] {
  if (stored === null) return [];
  if ('l' in stored) return stored.l;
  const out: CounterContribution[] = [{ scope: 'CAMPAIGN', id: campaignId, day: stored.d, values: stored.v }];
  if (stored.a !== undefined) {
    out.push({ scope: 'AGENT', id: stored.a, day: stored.d, values: stored.v });
    out.push({ scope: 'TEAM', id: stored.t ?? '', day: stored.d, values: stored.v });
  }
  return out;
}
