import { type Stack, Token } from 'aws-cdk-lib';

/**
 * An ARN as cdk-nag writes it in a finding's id: pseudo parameters it cannot resolve appear as `<AWS::Region>`
 * etc., while a stack deployed to an explicit environment (the CLI passes its default account and Region) has them
 * resolved. An acknowledgment must name the finding exactly, so it is built from the stack, not written out.
 */
export function nagArn(stack: Stack, service: string, resource: string): string {
  const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  return `arn:${shown(stack.partition, 'Partition')}:${service}:${shown(stack.region, 'Region')}:${shown(stack.account, 'AccountId')}:${resource}`;
}
