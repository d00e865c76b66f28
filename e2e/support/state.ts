import type { InstancePorts } from '@docsession/local-instance';

/** What global setup tells the test files about the running system. */
export interface E2EState {
  runId: string;
  env: NodeJS.ProcessEnv;
  ports: InstancePorts;
  dataDir: string;
  adminToken: string;
  pids: Record<string, number>;
}

export function e2eState(): E2EState {
  const raw = process.env.E2E_STATE;
  if (!raw) throw new Error('E2E_STATE is not set: run e2e tests with jest -c jest.e2e.config.js');
  return JSON.parse(raw) as E2EState;
}
