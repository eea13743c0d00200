import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, MailMessage } from '#shared/ports/mailer';

/** SES v2 takes at most 50 recipients per message. */
export const SES_MAX_RECIPIENTS = 50;

export interface SesMailerConfig {
  client: SESv2Client;
  /** A verified identity, e.g. `outcall@example.com`. */
  from: string;
}

/** Sends plain text + HTML mail in UTF-8 through SES v2, one message per 50 recipients. */
export class SesMailer implements Mailer {
  readonly #client: SESv2Client;
  readonly #from: string;

  constructor(config: SesMailerConfig) {
    this.#client = config.client;
    this.#from = config.from;
  }

  async send(message: MailMessage): Promise<void> {
    for (let i = 0; i < message.to.length; i += SES_MAX_RECIPIENTS) {
      await this.#client.send(
        new SendEmailCommand({
          FromEmailAddress: this.#from,
          Destination: { ToAddresses: message.to.slice(i, i + SES_MAX_RECIPIENTS) },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: message.text, Charset: 'UTF-8' },
                Html: { Data: message.html, Charset: 'UTF-8' },
              },
            },
          },
        }),
      );
    }
  }
}
