/**
 * List intake throughput on a 1,000,000-row Chinese CSV (generated into .bench/ and reused):
 * - intake.rowsPerSec: reading + cleaning + classification with in-memory ports, in a child process;
 * - intake.bareParseRowsPerSec: csv-parse alone streaming the same file;
 * - intake.ratioToBareParse: the first over the second;
 * - intake.peakRssMb: the child's peak resident set (getrusage maxRSS), i.e. memory of the whole pipeline run.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { spreadsheetReader } from '#shared/adapters/files/spreadsheet-reader';
import type { NumberStatus } from '#shared/domain/intake/classify';
import { runIntake } from '#shared/use-cases/intake/classify-list';
import { ensureList } from '../lib/generate-list.ts';
import { measureIntakeDynamoDb } from './_intake-ddb.ts';

const ROWS = 1_000_000;
const SELF = fileURLToPath(import.meta.url);
const ROOT = join(SELF, '..', '..', '..');

export const goals = {
  'intake.ratioToBareParse': { min: 0.3 },
  'intake.peakRssMb': { max: 256 },
  'intake.ddbRequestsPer1kContacts': { max: 50 },
};

/** The part of the runner's SuiteContext this suite uses (all optional, so it also runs on its own). */
interface Context {
  workDir?: string;
  nodeBin?: string;
  log?: (message: string) => void;
}

export default async function run(ctx: Context = {}): Promise<Record<string, number>> {
  const file = join(ctx.workDir ?? join(ROOT, '.bench', 'intake'), 'list-1m.csv');
  ctx.log?.(`intake: using ${file} (generated on first run)`);
  await ensureList(file, ROWS);
  const bare = await bareParse(file);
  const pipeline = await inChild(file, ctx.nodeBin ?? process.execPath);
  // End to end against DynamoDB Local on a 100,000-row sample (INTAKE_DDB_ROWS to change it).
  const dynamo = await measureIntakeDynamoDb(ctx.log ? { log: ctx.log } : undefined);
  return {
    ...dynamo,
    'intake.rowsPerSec': Math.round(pipeline.rowsPerSec),
    'intake.bareParseRowsPerSec': Math.round(bare),
    'intake.ratioToBareParse': Number((pipeline.rowsPerSec / bare).toFixed(3)),
    'intake.peakRssMb': Math.round(pipeline.maxRssKb / 1024),
  };
}

async function bareParse(file: string): Promise<number> {
  const started = performance.now();
  let rows = 0;
  const parser = createReadStream(file).pipe(parse({ bom: true, relax_column_count: true }));
  for await (const _record of parser) rows++;
  return (rows - 1) / ((performance.now() - started) / 1000);
}

interface ChildFigures {
  rows: number;
  rowsPerSec: number;
  maxRssKb: number;
}

function inChild(file: string, nodeBin: string): Promise<ChildFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBin, ['--import', 'tsx', SELF, '--child', file], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`intake bench child exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as ChildFigures);
    });
  });
}

/** In-memory screening: a DNC list and allocations, answered per batch like the DynamoDB adapter will. */
function memoryScreening() {
  const known = new Map<string, NumberStatus>();
  for (let i = 0; i < 5000; i++)
    known.set(`+86138${String(i * 7919).padStart(8, '0')}`, { inCampaign: false, dnc: true });
  return {
    batchSize: 100,
    async checkNumbers(e164s: readonly string[]) {
      const answer = new Map<string, NumberStatus>();
      for (const n of e164s) {
        const status = known.get(n);
        if (status) answer.set(n, status);
      }
      return answer;
    },
  };
}

async function child(file: string): Promise<void> {
  let accepted = 0;
  let rejected = 0;
  const started = performance.now();
  const summary = await runIntake({
    bytes: createReadStream(file),
    reader: spreadsheetReader(),
    region: 'CN',
    defaultTimeZone: 'Asia/Shanghai',
    screening: memoryScreening(),
    contacts: {
      async write(contacts) {
        accepted += contacts.length;
      },
    },
    rejects: {
      async write(rows) {
        rejected += rows.length;
      },
      async close() {},
    },
  });
  const seconds = (performance.now() - started) / 1000;
  if (accepted !== summary.accepted || rejected !== summary.rejected) throw new Error('sinks and summary disagree');
  console.error(`intake bench: ${JSON.stringify({ ...summary, headerMap: undefined })}`);
  const figures: ChildFigures = {
    rows: summary.rows,
    rowsPerSec: summary.rows / seconds,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  console.log(JSON.stringify(figures));
}

if (process.argv[1] === SELF && process.argv[2] === '--child' && process.argv[3]) {
  await child(process.argv[3]);
}
