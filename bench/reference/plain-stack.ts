// Reference bundle (bench/suites/lambda.ts): the issue's "plain bundle of the DynamoDB document client, Powertools
// logger and metrics, middy and zod", so our functions' figures can be read against it on the same machine.

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import * as z from 'zod';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const logger = new Logger();
const metrics = new Metrics({ namespace: 'reference' });
const eventSchema = z.object({ id: z.string().min(1) });

export const handler = middy(async (event: unknown) => {
  const { id } = eventSchema.parse(event);
  logger.info('get');
  metrics.addMetric('gets', MetricUnit.Count, 1);
  return client.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: id } }));
});
