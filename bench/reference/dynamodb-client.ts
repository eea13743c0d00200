// Reference bundle (bench/suites/lambda.ts): nothing but the DynamoDB document client every outcall function uses,
// sending one GetItem. Its import cost is the floor under any function that reads or writes the table.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: { id: string }) =>
  client.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: event.id } }));
