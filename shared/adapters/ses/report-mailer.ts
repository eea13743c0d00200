import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { ReportMail, ReportMailer } from '#shared/ports/report-delivery';

/** SES v2 refuses more than 50 recipients in one message. */
const MAX_RECIPIENTS = 50;

/**
 * Sends a report through SES v2 `SendEmail` with `Content.Simple.Attachments`: SES builds the MIME message, so no
 * MIME library is bundled. Subject and bodies are UTF-8.
 */
export class SesReportMailer implements ReportMailer {
  readonly #client: SESv2Client;
  readonly #from: string;

  constructor(config: { client: SESv2Client; from: string }) {
    this.#client = config.client;
    this.#from = config.from;
  }

  async send(mail: ReportMail): Promise<void> {
    if (mail.to.length === 0 || mail.to.length > MAX_RECIPIENTS) {
      throw new RangeError(`a report message takes 1 to ${MAX_RECIPIENTS} recipients, not ${mail.to.length}`);
    }
    await this.#client.send(
      new SendEmailCommand({
        FromEmailAddress: this.#from,
        Destination: { ToAddresses: [...mail.to] },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
            Attachments: mail.attachments.map((a) => ({
              FileName: a.filename,
              ContentType: a.contentType,
              RawContent: a.content,
              ContentDisposition: 'ATTACHMENT',
              ContentTransferEncoding: 'BASE64',
            })),
          },
        },
      }),
    );
  }
}
