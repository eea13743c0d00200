import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

// The package is CommonJS with an `exports.default`; require keeps that shape obvious.
const sesServer = (
  createRequire(import.meta.url)('aws-ses-v2-local') as {
    default: (config: { host: string; port: number }) => Promise<Server>;
  }
).default;

/** One message as aws-ses-v2-local keeps it. */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc?: string[]; bcc?: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

/** A running SES stand-in. */
export interface SesLocal {
  /** `http://127.0.0.1:<port>`: the SES v2 client's endpoint. */
  endpoint: string;
  /** Mail received so far (`GET /store`). */
  emails(): Promise<StoredEmail[]>;
  stop(): Promise<void>;
}

/**
 * Starts aws-ses-v2-local in this process on a free port of 127.0.0.1. Its store is process-wide: tests tell their
 * messages apart by recipient or subject.
 */
export async function startSesLocal(): Promise<SesLocal> {
  const server = await sesServer({ host: '127.0.0.1', port: 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  let stopped = false;
  return {
    endpoint,
    async emails() {
      const response = await fetch(`${endpoint}/store`);
      if (!response.ok) throw new Error(`SES stand-in answered ${response.status}`);
      const body = (await response.json()) as { emails: StoredEmail[] };
      return body.emails;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
