import { CAMPAIGN_STATES, type Campaign, type CampaignState } from '#shared/domain/campaign';
import { ConflictError, ValidationError } from '#shared/domain/errors';
import type {
  CampaignPage,
  CampaignRepository,
  SaveOptions,
  TransitionRecord,
} from '#shared/ports/campaign-repository';

/**
 * `CampaignRepository` in memory for unit tests. It keeps the DynamoDB adapter's observable behaviour: optimistic
 * locking, copies in and out (a caller mutating an object does not change what is stored), and listing ordered by
 * state (in `CAMPAIGN_STATES` order) then id, paginated with an opaque cursor.
 */
export class InMemoryCampaignRepository implements CampaignRepository {
  readonly #campaigns = new Map<string, Campaign>();
  readonly #transitions = new Map<string, TransitionRecord[]>();
  readonly #holdReleases = new Map<string, number[]>();

  async create(campaign: Campaign): Promise<void> {
    if (this.#campaigns.has(campaign.id)) throw new ConflictError(`campaign ${campaign.id} already exists`);
    this.#campaigns.set(campaign.id, structuredClone(campaign));
  }

  async get(campaignId: string): Promise<Campaign | undefined> {
    const found = this.#campaigns.get(campaignId);
    return found ? structuredClone(found) : undefined;
  }

  async list(filter: { state?: CampaignState; limit?: number; cursor?: string }): Promise<CampaignPage> {
    const limit = filter.limit ?? 50;
    const stateRank = (s: CampaignState) => CAMPAIGN_STATES.indexOf(s);
    const all = [...this.#campaigns.values()]
      .filter((c) => filter.state === undefined || c.state === filter.state)
      .sort((a, b) => stateRank(a.state) - stateRank(b.state) || a.id.localeCompare(b.id));
    const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
    if (after && filter.state !== undefined && CAMPAIGN_STATES[after.s] !== filter.state) {
      throw new ValidationError('the cursor belongs to another listing', [
        { path: 'cursor', message: `not a cursor of the ${filter.state} listing` },
      ]);
    }
    const rest = after
      ? all.filter((c) => stateRank(c.state) > after.s || (stateRank(c.state) === after.s && c.id > after.id))
      : all;
    const items = rest.slice(0, limit).map((c) => structuredClone(c));
    const last = items.at(-1);
    return rest.length > limit && last ? { items, cursor: encodeCursor(stateRank(last.state), last.id) } : { items };
  }

  async save(
    campaign: Campaign,
    expectedRevision: number,
    transition?: TransitionRecord,
    options: SaveOptions = {},
  ): Promise<void> {
    const stored = this.#campaigns.get(campaign.id);
    if (!stored || stored.revision !== expectedRevision) {
      throw new ConflictError(`campaign ${campaign.id} is not at revision ${expectedRevision}`);
    }
    this.#campaigns.set(campaign.id, structuredClone(campaign));
    if (transition) {
      const list = this.#transitions.get(campaign.id) ?? [];
      list.push(structuredClone(transition));
      this.#transitions.set(campaign.id, list);
    }
    if (options.releaseDialingHold) {
      this.#holdReleases.set(campaign.id, [...(this.#holdReleases.get(campaign.id) ?? []), campaign.revision]);
    }
  }

  /** The revisions whose save released the campaign's dialing hold (there are no dialing figures in memory). */
  dialingHoldReleases(campaignId: string): number[] {
    return [...(this.#holdReleases.get(campaignId) ?? [])];
  }

  async listTransitions(campaignId: string): Promise<TransitionRecord[]> {
    return structuredClone(this.#transitions.get(campaignId) ?? []);
  }
}

function encodeCursor(s: number, id: string): string {
  return Buffer.from(JSON.stringify({ s, id })).toString('base64url');
}

function decodeCursor(cursor: string): { s: number; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && 's' in value && 'id' in value) {
      const { s, id } = value;
      if (typeof s === 'number' && typeof id === 'string') return { s, id };
    }
  } catch {
    // fall through: any undecodable cursor is the caller's error
  }
  throw new ValidationError('the cursor is invalid', [{ path: 'cursor', message: 'not a cursor this API returned' }]);
}
