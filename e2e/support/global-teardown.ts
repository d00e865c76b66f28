import { removeIsolatedResources } from '@docsession/local-instance';
import type { E2EState } from './state';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__E2E_SYSTEM__?.stop();
  const raw = process.env.E2E_STATE;
  if (raw) await removeIsolatedResources((JSON.parse(raw) as E2EState).env);
}
