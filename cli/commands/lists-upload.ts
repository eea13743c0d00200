import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import * as z from 'zod';
import { UsageError } from '#cli/errors';
import { type CliIo, EXIT_OK, EXIT_USAGE, processIo } from '#cli/io';
import { commandGroup } from '#cli/program';

/** What `npm start -- --serve` writes for other local tools (.tmp/local-stack.json). */
const stateSchema = z.looseObject({ s3Endpoint: z.string().url(), bucket: z.string().min(1) });

export const DEFAULT_STATE_FILE = '.tmp/local-stack.json';

export interface ListsUploadOptions {
  campaign: string;
  /** S3 endpoint; default $OUTCALL_S3_ENDPOINT, else the state file. */
  endpoint?: string;
  /** Bucket; default $OUTCALL_UPLOAD_BUCKET, else the state file. */
  bucket?: string;
  state?: string;
  /** Object name under `lists/<campaign>/`; default the file's own name. */
  name?: string;
}

/** s3rver's fixed key pair; the local S3 accepts nothing else. */
const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * `outcall lists upload <file> --campaign <id>`: drops a call list into the local stack's upload bucket under
 * `lists/<campaign>/<name>`, where the S3 notification hands it to intake exactly as in AWS. The endpoint and bucket
 * come from the options, the environment, or the state file the serve mode writes. Local stand-ins only: there is no
 * path to a real bucket here (in AWS, planners upload with their own S3 tools and IAM identity).
 */
export async function uploadList(
  file: string,
  options: ListsUploadOptions,
  io: Pick<CliIo, 'out' | 'err'> = processIo,
): Promise<number> {
  try {
    if (!/^c-[a-z0-9]+$/.test(options.campaign)) throw new UsageError(`"${options.campaign}" is not a campaign id`);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new UsageError(`no such file: ${file}`);
    const target = await resolveTarget(options);
    const key = `lists/${options.campaign}/${options.name ?? basename(file)}`;
    const s3 = new S3Client({
      endpoint: target.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: LOCAL_S3_CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    try {
      await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: await readFile(file) }));
    } finally {
      s3.destroy();
    }
    io.out(`uploaded ${info.size} bytes to s3://${target.bucket}/${key} (${target.endpoint}); intake picks it up`);
    return EXIT_OK;
  } catch (error) {
    io.err(`outcall: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_USAGE;
  }
}

async function resolveTarget(options: ListsUploadOptions): Promise<{ endpoint: string; bucket: string }> {
  let endpoint = options.endpoint ?? process.env.OUTCALL_S3_ENDPOINT;
  let bucket = options.bucket ?? process.env.OUTCALL_UPLOAD_BUCKET;
  if (endpoint === undefined || bucket === undefined) {
    const path = options.state ?? DEFAULT_STATE_FILE;
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) {
      throw new UsageError(`no local stack found (${path}); start one with "npm start -- --serve" or pass --endpoint`);
    }
    const parsed = stateSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new UsageError(`${path} is not a local stack state file`);
    endpoint ??= parsed.data.s3Endpoint;
    bucket ??= parsed.data.bucket;
  }
  return { endpoint, bucket };
}

/** Adds `lists upload` to the program (the `lists` group is shared with `lists check`). */
export function register(program: Command, io: CliIo = processIo): void {
  commandGroup(program, 'lists', 'Work with call lists')
    .command('upload')
    .description("drop a call list into the local stack's upload bucket (npm start -- --serve)")
    .argument('<file>', 'the list: CSV or .xlsx')
    .requiredOption('--campaign <id>', 'the campaign the list belongs to')
    .option('--name <name>', 'object name under lists/<campaign>/ (default: the file name)')
    .option('--endpoint <url>', 'S3 endpoint (default $OUTCALL_S3_ENDPOINT, else the state file)')
    .option('--bucket <name>', 'upload bucket (default $OUTCALL_UPLOAD_BUCKET, else the state file)')
    .option('--state <file>', 'state file written by the serve mode', DEFAULT_STATE_FILE)
    .action(async (file: string, options: ListsUploadOptions) => {
      io.setExitCode(await uploadList(file, options, io));
    });
}
