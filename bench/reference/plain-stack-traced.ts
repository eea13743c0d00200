// Reference bundle (bench/suites/lambda.ts): the plain stack of plain-stack.ts with the Powertools Tracer capturing the
// DynamoDB client — what every function would pay at import for SDK-level X-Ray subsegments. outcall's functions run
// with Lambda active tracing instead (docs/operations.md, "Tracing").

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import * as z from 'zod';

const tracer = new Tracer({ serviceName: 'reference' });
const client = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})));
const logger = new Logger();
const metrics = new Metrics({ namespace: 'reference' });
const eventSchema = z.object({ id: z.string().min(1) });

export const handler = middy(async (event: unknown) => {
  const { id } = eventSchema.parse(event);
  logger.info('get');
  metrics.addMetric('gets', MetricUnit.Count, 1);
  return client.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: id } }));
}).use(captureLambdaHandler(tracer));
