import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { unpackFacts } from '#shared/adapters/dynamodb/attempt-blob';
import type { CountedImage, CounterStreamRecord } from '#shared/domain/outcomes/counter-stream';
import type { CounterContribution } from '#shared/domain/outcomes/derive';

/**
 * The main table's stream as the counters read it (docs/data-model.md "Counters"): which records reach the
 * aggregator, and what an attempt's two images had counted.
 */

/**
 * Lambda event filter of the counters' event source mapping: only records whose new image carries the attempt's `fz`
 * blob, i.e. attempt writes (no other item has it). REMOVE records have no new image and never match. DynamoDB
 * mappings filter on the `dynamodb` key only; `exists` matches leaf values only, hence the type key `B`.
 */
export const ATTEMPT_STREAM_FILTER = { dynamodb: { NewImage: { fz: { B: [{ exists: true }] } } } } as const;

/** {@link ATTEMPT_STREAM_FILTER} evaluated here, for the local poller (infra/local/counter-stream.ts). */
export function matchesAttemptStreamFilter(record: DynamoDBRecord): boolean {
  return typeof record.dynamodb?.NewImage?.fz?.B === 'string';
}

const ATTEMPT_SK = /^CONTACT#([^#]+)#ATTEMPT#\d+$/;

/** A stream record whose data is not what the recorder writes; the batch fails and is retried, then dead-lettered. */
export class AttemptStreamRecordError extends Error {
  override readonly name = 'AttemptStreamRecordError';
}

/** The counters' view of each attempt record of a batch, in stream order; other items' records are left out. */
export function counterStreamRecords(records: readonly DynamoDBRecord[]): CounterStreamRecord[] {
  const out: CounterStreamRecord[] = [];
  for (const record of records) {
    const sk = record.dynamodb?.Keys?.sk?.S;
    const campaignId = sk ? ATTEMPT_SK.exec(sk)?.[1] : undefined;
    if (campaignId === undefined) continue;
    const eventId = record.eventID;
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (!eventId || !sequenceNumber || !/^\d+$/.test(sequenceNumber)) {
      throw new AttemptStreamRecordError(`stream record of ${sk} has no event id or sequence number`);
    }
    out.push({
      eventId,
      sequenceNumber,
      before: countedImage(campaignId, record.dynamodb?.OldImage),
      after: record.eventName === 'REMOVE' ? undefined : countedImage(campaignId, record.dynamodb?.NewImage),
    });
  }
  return out;
}

function countedImage(campaignId: string, image: Record<string, AttributeValue> | undefined): CountedImage | undefined {
  if (!image) return undefined;
  if (image.fz?.B !== undefined) {
    const { counted, byStream } = unpackFacts(campaignId, Buffer.from(image.fz.B, 'base64'));
    return { counted, byStream };
  }
  // An attempt written before the facts were packed (`counted` as a list of maps) was counted by its own transaction.
  const counted = image.counted === undefined ? [] : (native(image.counted) as CounterContribution[]);
  return { counted, byStream: false };
}

/** A stream attribute value (binary as base64, numbers as strings) as plain data. */
function native(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.B !== undefined) return Buffer.from(value.B, 'base64');
  if (value.L !== undefined) return value.L.map(native);
  if (value.M !== undefined) return Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, native(v)]));
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) return new Set(value.NS.map(Number));
  if (value.BS !== undefined) return new Set(value.BS.map((b) => Buffer.from(b, 'base64')));
  return undefined;
}
