import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { counterKey } from '#shared/adapters/dynamodb/keys';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What to add to one counter item (`COUNTER#<scope>#<id>` / `DAY#<day>#0`), whoever counts it. */
export interface CounterAddition {
  scope: 'CAMPAIGN' | 'AGENT' | 'TEAM';
  id: string;
  day: string;
  values: Readonly<Record<string, number | undefined>>;
}

/**
 * The transaction action that ADDs `c.values` to its counter item, creating it with its scope, id and day: readers
 * Query a scope's days and need those without parsing keys. Names are placeholders, as counter names are not all safe
 * as bare attribute names.
 */
export function counterAddAction(tableName: string, c: CounterAddition): TransactItem {
  const names: Record<string, string> = { '#scope': 'scope', '#id': 'id', '#day': 'day' };
  const values: Record<string, unknown> = { ':scope': c.scope, ':id': c.id, ':day': c.day };
  const adds = Object.entries(c.values).flatMap(([name, n], i) => {
    if (n === undefined) return [];
    names[`#c${i}`] = name;
    values[`:c${i}`] = n;
    return [`#c${i} :c${i}`];
  });
  return {
    Update: {
      TableName: tableName,
      Key: counterKey(c.scope, c.id, c.day),
      UpdateExpression: `SET #scope = :scope, #id = :id, #day = :day${adds.length > 0 ? ` ADD ${adds.join(', ')}` : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}
