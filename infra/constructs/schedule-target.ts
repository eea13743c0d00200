import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LambdaInvoke, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';

/**
 * A Scheduler target that invokes one function, granting `lambda:InvokeFunction` on its unqualified ARN only.
 * CDK's `LambdaInvoke` grants through `grantInvoke`, which adds `<arn>:*` (every version and alias) and so an IAM5
 * wildcard finding per function; a schedule calls the unqualified ARN and needs nothing more.
 */
export class ExactLambdaInvoke extends LambdaInvoke {
  readonly #fn: IFunction;

  constructor(fn: IFunction, props: ScheduleTargetBaseProps = {}) {
    super(fn, props);
    this.#fn = fn;
  }

  protected override addTargetActionToRole(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.#fn.functionArn] }),
    );
  }
}
