import { afterEach, describe, expect, it } from 'vitest';
import { createReminderTickHandler } from '#functions/agents/reminder-tick';
import { METRIC } from '#shared/observability/metrics';
import { ReminderSendError } from '#shared/use-cases/agents/reminders';
import { captureEmf } from '#test/unit/functions/emf';

let emf: ReturnType<typeof captureEmf> | undefined;
afterEach(() => emf?.stop());

describe('reminder tick handler metrics', () => {
  it('counts the reminders sent, and zero on a quiet minute', async () => {
    emf = captureEmf();
    await createReminderTickHandler(async () => ({ teams: 2, sent: 7, alreadySent: 3, failed: 0 }))();
    await createReminderTickHandler(async () => ({ teams: 2, sent: 0, alreadySent: 0, failed: 0 }))();
    emf.stop();
    expect(emf.documents.map((d) => emf?.value(d, METRIC.remindersSent))).toEqual([7, 0]);
  });

  it('counts what went out before a send failed, and still fails the invocation', async () => {
    emf = captureEmf();
    const result = { teams: 1, sent: 4, alreadySent: 0, failed: 1 };
    const tick = createReminderTickHandler(async () => {
      throw new ReminderSendError([new Error('SES refused')], result);
    });
    await expect(tick()).rejects.toBeInstanceOf(ReminderSendError);
    emf.stop();
    expect(emf.documents).toHaveLength(1);
    expect(emf.value(emf.documents[0], METRIC.remindersSent)).toBe(4);
  });
});
