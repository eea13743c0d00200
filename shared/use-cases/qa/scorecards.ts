import * as z from 'zod';
import { ConflictError, issuesFrom, NotFoundError, ValidationError } from '#shared/domain/errors';
import { type QaActor, requireScorecardReader, requireScorecardWriter } from '#shared/domain/qa/access';
import {
  DEFAULT_SCORECARD_ID,
  DEFAULT_SCORECARD_SPEC,
  type Scorecard,
  scorecardIdSchema,
  scorecardSpecSchema,
} from '#shared/domain/qa/scorecard';
import type { Clock } from '#shared/ports/clock';
import type { QaStore } from '#shared/ports/qa-store';

/** What every QA use case needs. */
export interface QaDeps {
  store: QaStore;
  clock: Clock;
}

const createSchema = z.object({ id: scorecardIdSchema }).loose();

/**
 * Creates version 1 of a new scorecard from `{ id, ...spec }`.
 * @throws ConflictError when a card with this id exists.
 */
export async function createScorecard(deps: QaDeps, actor: QaActor, input: unknown): Promise<Scorecard> {
  requireScorecardWriter(actor);
  const head = createSchema.safeParse(input);
  if (!head.success) throw new ValidationError('the scorecard is invalid', issuesFrom(head.error.issues));
  const { id, ...spec } = head.data;
  if (await deps.store.getScorecard(id)) throw new ConflictError(`scorecard ${id} exists; edit it to add a version`);
  return writeVersion(deps, actor, id, 1, spec);
}

/**
 * Edits a scorecard: writes version n + 1 beside the existing ones, which stay as they were, so evaluations scored
 * with them keep their scores. Two concurrent edits cannot both become n + 1: the loser gets `ConflictError`.
 */
export async function reviseScorecard(deps: QaDeps, actor: QaActor, id: string, input: unknown): Promise<Scorecard> {
  requireScorecardWriter(actor);
  const latest = await readScorecard(deps, id);
  return writeVersion(deps, actor, id, latest.version + 1, input);
}

/** A version of a scorecard (the latest by default); the seeds' default card is created on first read. */
export async function getScorecard(deps: QaDeps, actor: QaActor, id: string, version?: number): Promise<Scorecard> {
  requireScorecardReader(actor);
  return readScorecard(deps, id, version);
}

/** {@link getScorecard} without the role check, for other QA use cases. */
export async function readScorecard(deps: QaDeps, id: string, version?: number): Promise<Scorecard> {
  if (!scorecardIdSchema.safeParse(id).success) throw new NotFoundError(`scorecard ${id} does not exist`);
  let card = await deps.store.getScorecard(id, version);
  if (!card && id === DEFAULT_SCORECARD_ID && (version === undefined || version === 1)) {
    card = await ensureDefaultScorecard(deps);
  }
  if (!card) {
    throw new NotFoundError(`scorecard ${id}${version === undefined ? '' : ` version ${version}`} does not exist`);
  }
  return card;
}

async function ensureDefaultScorecard(deps: QaDeps): Promise<Scorecard | undefined> {
  try {
    await deps.store.putScorecard({
      ...scorecardSpecSchema.parse(DEFAULT_SCORECARD_SPEC),
      id: DEFAULT_SCORECARD_ID,
      version: 1,
      createdAt: deps.clock.now().toISOString(),
      createdBy: 'system',
    });
  } catch (error) {
    // Another request created it first; it is the same card either way.
    if (!(error instanceof ConflictError)) throw error;
  }
  return deps.store.getScorecard(DEFAULT_SCORECARD_ID, 1);
}

async function writeVersion(
  deps: QaDeps,
  actor: QaActor,
  id: string,
  version: number,
  input: unknown,
): Promise<Scorecard> {
  const parsed = scorecardSpecSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('the scorecard is invalid', issuesFrom(parsed.error.issues));
  const card: Scorecard = {
    ...parsed.data,
    id,
    version,
    createdAt: deps.clock.now().toISOString(),
    createdBy: actor.id,
  };
  await deps.store.putScorecard(card);
  return card;
}
