import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { DateTime } from 'luxon';
import { contactEventSchema } from '#events/connect/contact-event';
import {
  contactFlowEventSchema,
  dispositionParametersSchema,
  type FlowResponse,
} from '#events/connect/contact-flow-event';
import { contactRecordSchema } from '#events/connect/contact-record';
import { logger as defaultLogger } from '#shared/observability/logger';
import { count, METRIC, withMetrics } from '#shared/observability/metrics';
import type { Clock } from '#shared/ports/clock';
import {
  inputFromCallStart,
  inputFromContactEvent,
  inputFromContactRecord,
  inputFromDisposition,
} from '#shared/use-cases/outcomes/inputs';
import type { OutcomeRecorder, RecordResult } from '#shared/use-cases/outcomes/record-outcome';

/** What the handlers need; the entry points build it once per container (recorder.ts). */
export interface OutcomeHandlerDeps {
  recorder: Pick<OutcomeRecorder, 'record'>;
  clock: Clock;
  logger?: Logger;
}

/** A Kinesis record whose data is not a contact record; it fails so that it ends in the on-failure destination. */
export class ContactRecordParseError extends Error {
  override readonly name = 'ContactRecordParseError';
}

// Only ids and statuses are logged: never the number, the customer's name or the agent's notes.
const logged = (r: RecordResult) => ({
  status: r.status,
  attemptRef: r.id ? `${r.id.campaignId}.${r.id.phoneKey}.${r.id.attempt}` : undefined,
  outcome: r.outcome?.outcome,
  contactState: r.contactState,
});

/**
 * `Outcomes` for a contact record or a disposition written, and `Connects` for whichever input's write moved the
 * campaign's `connects` counter (so the metric agrees with the reports' counter).
 */
function countRecorded(result: RecordResult, { outcome }: { outcome: boolean }): void {
  if (result.status !== 'recorded') return;
  if (outcome) count(METRIC.outcomes);
  if (result.connectsCounted) count(METRIC.connects, result.connectsCounted);
}

/** Contact records from the Kinesis stream: one record failing is reported alone (partial batch response). */
export function createContactRecordsHandler(deps: OutcomeHandlerDeps) {
  const log = deps.logger ?? defaultLogger;
  const processor = new BatchProcessor(EventType.KinesisDataStreams);
  const recordHandler = async (record: KinesisStreamRecord): Promise<void> => {
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
    } catch {
      throw new ContactRecordParseError(`record ${record.kinesis.sequenceNumber} is not JSON`);
    }
    const parsed = contactRecordSchema.safeParse(json);
    if (!parsed.success) {
      throw new ContactRecordParseError(`record ${record.kinesis.sequenceNumber} is not a contact record`);
    }
    const input = inputFromContactRecord(parsed.data);
    if (!input) return; // not an outcall dial (inbound, transfer…)
    const result = await deps.recorder.record(input);
    countRecorded(result, { outcome: true });
    log.debug('contact record', { contactId: parsed.data.ContactId, ...logged(result) });
  };
  return async (event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> =>
    withMetrics(() => processPartialResponse(event, recordHandler, processor, { context }));
}

/** Contact events from EventBridge: best effort, so an unknown shape or an uncorrelated contact is dropped. */
export function createContactEventsHandler(deps: OutcomeHandlerDeps) {
  const log = deps.logger ?? defaultLogger;
  return async (event: unknown): Promise<void> =>
    withMetrics(async () => {
      const parsed = contactEventSchema.safeParse(event);
      if (!parsed.success) {
        log.warn('ignored an event that is not a contact event');
        return;
      }
      const result = await deps.recorder.record(inputFromContactEvent(parsed.data.detail));
      countRecorded(result, { outcome: false });
      log.debug('contact event', {
        contactId: parsed.data.detail.contactId,
        eventType: parsed.data.detail.eventType,
        ...logged(result),
      });
    });
}

/** What the agent is told when the disposition is refused for who the call was connected to (docs/security.md). */
const AGENT_REFUSALS = {
  notYetConnected: 'the call is not yet connected to you — try again in a moment',
  forbidden: 'this call was not connected to you; only its agent can record its disposition',
} as const;

const ERASED_MESSAGE = 'the customer’s data was erased at their request: nothing about this call is kept';

/**
 * The disposition Lambda of the "Disconnect flow for agent UI". Answers the flow with `status` (`recorded`,
 * `unchanged`, `invalid`, `notOutcall`) and, when the code is not in the campaign's catalog, `unknownCode=true`, so
 * the flow can send the agent back to the guide. A disposition Amazon Connect has not yet tied to its agent answers
 * `status=notYetConnected` with a `message` to try again; one from another agent `status=forbidden`. Neither writes
 * anything, and the flow shows the guide again, so the agent's disposition is resubmitted rather than lost. A callback time outside the customer's calling window or its frequency caps answers
 * `status=callbackRefused`, `error=callbackOutsideWindow` and the nearest three allowed times in the customer's zone
 * (`callbackOption1..3`, `callbackOptions`), so the guide can offer them. Store failures throw: the flow takes its
 * error branch.
 */
export function createDispositionHandler(deps: OutcomeHandlerDeps) {
  const log = deps.logger ?? defaultLogger;
  return async (event: unknown): Promise<FlowResponse> => withMetrics(() => disposition(event));
  async function disposition(event: unknown): Promise<FlowResponse> {
    const parsed = contactFlowEventSchema.safeParse(event);
    if (!parsed.success) return { status: 'invalid', message: 'not a contact flow event' };
    const params = dispositionParametersSchema.safeParse(parsed.data.Details.Parameters);
    if (!params.success) {
      return {
        status: 'invalid',
        message: params.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      };
    }
    const input = inputFromDisposition(parsed.data, params.data, deps.clock.now().toISOString());
    if (!input) return { status: 'notOutcall' };
    const result = await deps.recorder.record(input);
    if (result.status === 'forbidden') count(METRIC.dispositionsRefused);
    else countRecorded(result, { outcome: true });
    log.info('disposition', {
      contactId: input.connectContactId,
      code: params.data.dispositionCode,
      ...logged(result),
    });
    if (result.status === 'notYetConnected' || result.status === 'forbidden') {
      return { status: result.status, error: result.status, message: AGENT_REFUSALS[result.status] };
    }
    // Nothing to resubmit: the flow ends the agent's work on the call (docs/connect-disposition.md).
    if (result.status === 'erased') return { status: 'erased', message: ERASED_MESSAGE };
    if (result.callbackRefused) {
      const { reason, zone, suggestions } = result.callbackRefused;
      return {
        status: result.status,
        error: 'callbackOutsideWindow',
        reason,
        zone,
        ...Object.fromEntries(suggestions.map((iso, i) => [`callbackOption${i + 1}`, localTime(iso, zone)])),
        callbackOptions: suggestions.map((iso) => localTime(iso, zone)).join(' | '),
      };
    }
    return {
      status: result.status,
      unknownCode: String(result.outcome?.unknownDisposition !== undefined),
      contactState: result.contactState ?? '',
    };
  }
}

/** A time as the customer's clock shows it, with its offset, e.g. `2027-03-02 09:00 +08:00`. */
function localTime(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat('yyyy-MM-dd HH:mm ZZ');
}

/**
 * The call-start Lambda of the outbound flow: records contact id ↔ attempt as early as possible and answers the
 * screen-pop values (name, company, script version) for the agent's view.
 */
export function createCallStartHandler(deps: OutcomeHandlerDeps) {
  const log = deps.logger ?? defaultLogger;
  return async (event: unknown): Promise<FlowResponse> => withMetrics(() => callStart(event));
  async function callStart(event: unknown): Promise<FlowResponse> {
    const parsed = contactFlowEventSchema.safeParse(event);
    if (!parsed.success) return { status: 'invalid' };
    const input = inputFromCallStart(parsed.data, deps.clock.now().toISOString());
    if (!input) return { status: 'notOutcall' };
    const result = await deps.recorder.record(input);
    countRecorded(result, { outcome: false });
    log.debug('call start', { contactId: input.connectContactId, ...logged(result) });
    const pop = result.screenPop ?? {};
    return {
      status: result.status,
      name: pop.name ?? '',
      company: pop.company ?? '',
      scriptVersion: pop.scriptVersion === undefined ? '' : String(pop.scriptVersion),
      attempt: String(input.id?.attempt ?? ''),
    };
  }
}
