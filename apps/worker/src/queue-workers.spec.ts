import { JobQueue } from '@docsession/contracts';
import { ConfigError, parseConfig } from '@docsession/platform';
import { QueueProcessor } from './queue-processor';
import { concurrencyOf, processorsToRun } from './queue-workers';

class ExpiryA extends QueueProcessor<typeof JobQueue.SessionExpiry> {
  readonly queue = JobQueue.SessionExpiry;
  handle = async () => undefined;
}
class ExpiryB extends ExpiryA {}
class Purge extends QueueProcessor<typeof JobQueue.Purge> {
  readonly queue = JobQueue.Purge;
  handle = async () => undefined;
}

describe('processorsToRun', () => {
  it('picks the one processor of each served queue and leaves the others', () => {
    const expiry = new ExpiryA();
    expect(processorsToRun([JobQueue.SessionExpiry], [new Purge(), expiry])).toEqual([expiry]);
  });

  it('refuses a served queue without a processor, naming it', () => {
    expect(() => processorsToRun([JobQueue.SessionExpiry, JobQueue.Purge], [new Purge()])).toThrow(ConfigError);
    expect(() => processorsToRun([JobQueue.SessionExpiry, JobQueue.Purge], [new Purge()])).toThrow(
      /queue "session-expiry" has no processor/,
    );
  });

  it('refuses a served queue with two processors, naming both', () => {
    expect(() => processorsToRun([JobQueue.SessionExpiry], [new ExpiryA(), new ExpiryB()])).toThrow(
      /queue "session-expiry" has 2 processors: ExpiryA, ExpiryB/,
    );
  });
});

describe('concurrencyOf', () => {
  it('reads each queue its own setting, WORKER_CONCURRENCY where it has none, and purge one at a time', () => {
    const config = parseConfig({ WORKER_CONCURRENCY: '7', EXPIRY_CONCURRENCY: '300', SAVE_CALLBACK_CONCURRENCY: '3' });
    expect(concurrencyOf(JobQueue.SessionExpiry, config)).toBe(300);
    expect(concurrencyOf(JobQueue.SaveCallback, config)).toBe(3);
    expect(concurrencyOf(JobQueue.UsageAlertWebhook, config)).toBe(7);
    expect(concurrencyOf(JobQueue.SessionIdle, config)).toBe(7);
    expect(concurrencyOf(JobQueue.SessionCloseGrace, parseConfig({ SESSION_CLOSE_GRACE_CONCURRENCY: '2' }))).toBe(2);
    expect(concurrencyOf(JobQueue.Purge, config)).toBe(1);
  });
});
