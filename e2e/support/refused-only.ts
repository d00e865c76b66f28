import { newTenant } from './api';
import { storedBlobKeys } from './blobs';
import { eventQueuesDrained, peekDeadLetters } from './bus';
import { countRows } from './database';

type Tenant = Awaited<ReturnType<typeof newTenant>>;

/**
 * A tenant of its own for a describe block whose requests must all be refused, and the check
 * after the block that they were: once the event queues are drained, none of its documents is
 * stored and none of its calls billed, no blob was added and no dead letter names it. Its
 * fields read the tenant made in the block's beforeAll.
 */
export function refusedOnlyTenant(): Tenant {
  let tenant: Tenant | undefined;
  let blobsBefore: string[] = [];
  beforeAll(async () => {
    tenant = await newTenant();
    blobsBefore = await storedBlobKeys();
  });
  afterAll(async () => {
    const { tenant_id } = made();
    await eventQueuesDrained();
    expect(await countRows('session.documents', 'tenant_id = $1', [tenant_id])).toBe(0);
    expect(await countRows('metering.billable_calls', 'tenant_id = $1', [tenant_id])).toBe(0);
    expect(await storedBlobKeys()).toEqual(blobsBefore);
    const letters = await peekDeadLetters();
    expect(letters.filter((l) => JSON.stringify(l.content).includes(tenant_id))).toEqual([]);
  });
  const made = (): Tenant => {
    if (!tenant) throw new Error('refusedOnlyTenant read before its beforeAll ran');
    return tenant;
  };
  return {
    get tenant_id() {
      return made().tenant_id;
    },
    get api_key() {
      return made().api_key;
    },
    get webhook_secret() {
      return made().webhook_secret;
    },
  };
}
