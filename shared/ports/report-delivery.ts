import type { ReportAttachment } from '#shared/templates/reports/attachments';

/** One report e-mail: HTML and text bodies of the same content, plus the tables as files. */
export interface ReportMail {
  /** At most 50 addresses (the SES v2 limit); the use case splits larger lists. */
  to: readonly string[];
  subject: string;
  html: string;
  text: string;
  attachments: readonly ReportAttachment[];
}

export interface ReportMailer {
  /** Sends one message or throws; SES has no idempotency token, so the caller's markers keep it to once. */
  send(mail: ReportMail): Promise<void>;
}

/** Keeps a copy of each report and says where a reader finds it. */
export interface ReportArchive {
  /** Writes the object (replacing it: same key, same report) and returns the link put in the e-mail. */
  put(key: string, body: string | Uint8Array, contentType: string): Promise<string>;
}
