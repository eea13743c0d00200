import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { asyncFailures } from '#infra/constructs/async-failures';
import type { OutcallFunction, OutcallFunctionProps } from '#infra/constructs/outcall-function';
import { OUTCOME_EVENT_SOURCE } from '#shared/domain/outcomes/order-placed';

/** Props of {@link Orders}. */
export interface OrdersProps {
  /**
   * Dead-letter queue of its deliveries, shared with the stack's other schedules and rules (one queue to watch).
   */
  readonly deadLetterQueue: sqs.IQueue;
  /** Creates a function with the stage's defaults (`StatelessStack.addFunction`). */
  readonly addFunction: (id: string, props: Omit<OutcallFunctionProps, 'stage'>) => OutcallFunction;
  readonly table: ITable;
  /** `OrderPlaced` arrives on it; `OrderSettled` is published to it. */
  readonly bus: events.IEventBus;
  /** Verified SES identity the order forms are sent from. */
  readonly senderAddress: string;
}

/**
 * Sales follow-through (docs/orders.md): a rule on the outcall bus hands each `OrderPlaced` to the order function,
 * which creates the order once and e-mails its form to the store once. The order routes are served by the API
 * function. `functions/orders/fulfilment-upload.ts` (store CSVs) is not deployed yet: it needs the uploads bucket's
 * notification for `orders/`, which the stateful stack owns.
 */
export class Orders extends Construct {
  readonly orderPlacedFunction: OutcallFunction;
  readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: OrdersProps) {
    super(scope, id);
    const environment = { SES_SENDER: props.senderAddress };
    this.orderPlacedFunction = props
      .addFunction('OrderPlacedFunction', {
        entry: 'functions/orders/order-placed.ts',
        serviceName: 'orders',
        description: 'OrderPlaced: create the order once, e-mail the order form to the store once',
        timeout: Duration.seconds(30),
        environment,
        // An OrderPlaced the function still fails on lands in the shared queue instead of being dropped.
        ...asyncFailures(props.deadLetterQueue, { retryAttempts: 2, maxEventAge: Duration.hours(6) }),
      })
      // Orders, events, counters, markers and visit contacts are table keys; no index is read.
      .bindTableReadWrite(props.table, { indexNames: [] })
      .bindBus(props.bus);
    const sesIdentity = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: props.senderAddress,
    });
    this.orderPlacedFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: [sesIdentity] }),
    );

    this.deadLetterQueue = props.deadLetterQueue;
    new events.Rule(this, 'OrderPlacedRule', {
      description: 'A sale recorded an order: create it and send the order form',
      eventBus: props.bus,
      eventPattern: { source: [OUTCOME_EVENT_SOURCE], detailType: ['OrderPlaced'] },
      targets: [
        new targets.LambdaFunction(this.orderPlacedFunction, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
  }
}
