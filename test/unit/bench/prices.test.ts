import { describe, expect, it } from 'vitest';
import { costUsd, loadPrices, totalCostUsd, UnknownPriceError } from '../../../bench/lib/prices.ts';

describe('bench/prices.json', () => {
  it('covers every service the cost suites count', async () => {
    const prices = await loadPrices();

    expect(Object.keys(prices.prices)).toEqual(
      expect.arrayContaining([
        'dynamodb.writeRequestUnit',
        'dynamodb.readRequestUnit',
        'dynamodb.storageGbMonth',
        'lambda.gbSecondArm64',
        'lambda.request',
        'sqs.standardRequest',
        's3.putRequest',
        's3.getRequest',
        'eventbridge.customEvent',
        'scheduler.invocation',
        'ses.email',
        'kms.request',
        'kinesis.onDemandStreamHour',
        'kinesis.onDemandIngestGb',
      ]),
    );
    expect(prices.region).toBe('us-east-1');
  });

  it('prices counted units by the listed rate', async () => {
    const prices = await loadPrices();

    expect(costUsd(prices, 'dynamodb.writeRequestUnit', 2_000_000)).toBeCloseTo(1.25, 10);
    expect(costUsd(prices, 'ses.email', 500)).toBeCloseTo(0.05, 10);
    expect(totalCostUsd(prices, { 'lambda.request': 1_000_000, 's3.putRequest': 1000 })).toBeCloseTo(0.205, 10);
  });

  it('refuses an item it has no price for', async () => {
    const prices = await loadPrices();

    expect(() => costUsd(prices, 'dynamodb.writes', 1)).toThrow(UnknownPriceError);
  });
});
