import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createApiHandler } from '#functions/api/router';
import { subjectRoutes } from '#functions/api/subject-routes';
import { createDocumentClient } from '#shared/adapters/dynamodb/client';
import { DynamoDbSubjectStore } from '#shared/adapters/dynamodb/subject-store';
import { optionalEnv, requireEnv } from '#shared/config/env';
import { count, METRIC, withMetrics } from '#shared/observability/metrics';
import { systemClock } from '#shared/ports/clock';

// Lambda entry point of the data-subject routes (`GET` / `DELETE /subjects/{phone}`, docs/security.md). A function of
// its own: it alone needs the full phone-number metadata (the number in the path is normalised exactly as intake
// normalises list rows) and the phone-key secret, so the main API function carries neither.
const dynamoEndpoint = optionalEnv('DYNAMODB_ENDPOINT');

const api = createApiHandler(
  subjectRoutes(
    {
      store: new DynamoDbSubjectStore({
        client: createDocumentClient(dynamoEndpoint === undefined ? {} : { endpoint: dynamoEndpoint }),
        tableName: requireEnv('TABLE_NAME'),
      }),
      clock: systemClock,
      phoneKeySecret: requireEnv('PHONE_KEY_SECRET'),
    },
    // SubjectsErased: one per erasure carried out (a repeated DELETE of the same number counts again: it was asked).
    { onErased: () => count(METRIC.subjectsErased) },
  ),
);

export const handler = (event: APIGatewayProxyEventV2, context: Context) => withMetrics(() => api(event, context));
