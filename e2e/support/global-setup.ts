import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultProcesses, LocalSystem, newIsolatedEnvironment } from '@docsession/local-instance';
import { E2E_SETTINGS } from './environment';
import type { E2EState } from './state';

declare global {
  var __E2E_SYSTEM__: LocalSystem | undefined;
}

/** Starts the real services once for all e2e test files. */
export default async function globalSetup(): Promise<void> {
  const t = await newIsolatedEnvironment('e2e', E2E_SETTINGS);
  const logPath = join(tmpdir(), `docsession-${t.runId}.log`);
  const logFile = createWriteStream(logPath);
  process.stdout.write(`\ne2e run ${t.runId}: service logs in ${logPath}\n`);

  const system = new LocalSystem(t.env, (name, line) => logFile.write(`[${name}] ${line}\n`));
  await system.migrate();
  globalThis.__E2E_SYSTEM__ = system;
  await system.start([
    // The worker may reach loopback, so tests can receive its webhooks on a local server.
    ...defaultProcesses(t.ports).map((p) =>
      p.app === 'worker' ? { ...p, env: { ...p.env, URL_IMPORT_ALLOW_PRIVATE: 'true' } } : p,
    ),
    {
      name: 'open-gateway',
      app: 'gateway',
      port: t.ports.spare,
      env: { PORT: String(t.ports.spare), URL_IMPORT_ALLOW_PRIVATE: 'true' },
    },
  ]);

  const state: E2EState = {
    runId: t.runId,
    env: t.env,
    ports: t.ports,
    dataDir: t.dataDir,
    adminToken: t.adminToken,
    pids: Object.fromEntries(system.processes.map((p) => [p.spec.name, p.child.pid!])),
  };
  process.env.E2E_STATE = JSON.stringify(state);
}
