import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ContinuationQueue, IntakeContinuation } from '#shared/ports/list-repository';

/** Sends the intake function's continuation messages to its own queue. */
export class SqsContinuationQueue implements ContinuationQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  async send(message: IntakeContinuation): Promise<void> {
    await this.#client.send(new SendMessageCommand({ QueueUrl: this.#queueUrl, MessageBody: JSON.stringify(message) }));
  }
}
