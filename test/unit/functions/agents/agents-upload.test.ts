import { afterEach, describe, expect, it, vi } from 'vitest';
import { spreadsheetReader } from '#shared/adapters/files/spreadsheet-reader';
import { logger } from '#shared/observability/logger';
import { world } from '#test/unit/agents/setup';
import { objectsOf, uploadContext, uploadOf } from '#test/unit/functions/upload-event';

// The module builds its AWS adapters at import; these tests hand the handler in-memory ones instead.
vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'outcall-test';
  process.env.AWS_REGION ??= 'ap-northeast-1';
});
const { createAgentsUploadHandler } = await import('#functions/agents/agents-upload');

const context = uploadContext;

afterEach(() => vi.restoreAllMocks());

describe('agents upload handler', () => {
  it('acknowledges a file with a quote never closed, logs why without the file name, and changes nobody', async () => {
    const w = world();
    const error = vi.spyOn(logger, 'error').mockImplementation(() => {});
    const csv = '工号,入职日期,班组\na1,2026-03-01,t1\na2,2026-03-01,"t1\na3,2026-03-01,t1\n';
    const handler = createAgentsUploadHandler({
      store: w.store,
      clock: w.clock,
      objects: objectsOf(csv),
      reader: spreadsheetReader({ maxBytes: 1024 * 1024 }),
    });
    const out = await handler(uploadOf('agents/张伟的组.csv'), context);
    // Redelivering the message cannot mend the file: it is not handed back to the queue.
    expect(out.batchItemFailures).toEqual([]);
    expect(error).toHaveBeenCalledWith(
      'agents file refused',
      expect.objectContaining({ problem: 'unclosed_quote', reason: expect.stringContaining('row 3') }),
    );
    expect(JSON.stringify(error.mock.calls)).not.toContain('张伟');
    // The rows before the broken one are not applied either.
    expect(w.store.agents.size).toBe(0);
  });

  it('applies a readable file and hands any other failure back to the queue', async () => {
    const w = world();
    vi.spyOn(logger, 'info').mockImplementation(() => {});
    const deps = {
      store: w.store,
      clock: w.clock,
      objects: objectsOf('工号,入职日期,班组\na1,2026-03-01,t1\n'),
      reader: spreadsheetReader({ maxBytes: 1024 * 1024 }),
    };
    expect((await createAgentsUploadHandler(deps)(uploadOf('agents/day.csv'), context)).batchItemFailures).toEqual([]);
    expect(w.store.agents.get('a1')).toMatchObject({ teamId: 't1', startDate: '2026-03-01' });
    const failing = {
      ...deps,
      objects: {
        read: async () => {
          throw Object.assign(new Error('S3 down'), { name: 'InternalError' });
        },
      },
    };
    // The only message failed: Powertools fails the whole batch, so SQS redelivers it.
    await expect(createAgentsUploadHandler(failing)(uploadOf('agents/day.csv'), context)).rejects.toThrow(
      'All records failed processing',
    );
  });
});
