/** One e-mail: UTF-8 plain text and HTML bodies of the same content. */
export interface MailMessage {
  to: readonly string[];
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Sends or throws; a retry may send the message twice, so callers send only what is harmless twice. */
  send(message: MailMessage): Promise<void>;
}
