import { loadConfig, secretFromEnvOrDataDir } from '@docsession/platform';
import { migrate } from './migrate';
import { freePort, LocalSystem, parseReplicas, replicatedProcesses } from '@docsession/local-instance';
import { UsageError } from './usage-error';

const COLORS: Record<string, string> = { gateway: '36', session: '35', metering: '33', worker: '32' };

/**
 * `npm start`: migrations, then the four services as child processes, then how to get
 * an API key. Ctrl-C stops them all; if one dies, the others are stopped too.
 * `replicas` (`gateway=2,worker=3`) runs several processes of a service; the extra ones
 * listen on free ports, printed once they are ready.
 */
export async function start(replicasOption: string): Promise<void> {
  let replicas;
  try {
    replicas = parseReplicas(replicasOption);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const config = loadConfig();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  await migrate(config, say);
  const color = process.stdout.isTTY;
  const system = new LocalSystem(process.env, (name, line) =>
    say(
      `${color ? `\x1b[${COLORS[name.replace(/-\d+$/, '')] ?? '0'}m` : ''}[${name}]${color ? '\x1b[0m' : ''} ${line}`,
    ),
  );
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await system.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const ports = {
    gateway: config.PORT,
    session: config.SESSION_PORT,
    metering: config.METERING_PORT,
    worker: config.WORKER_PORT,
  };
  const specs = await replicatedProcesses(ports, replicas, freePort);
  try {
    await system.start(specs);
  } catch (err) {
    say(`Could not start: ${(err as Error).message}`);
    return stopAll(1);
  }
  for (const p of system.processes) {
    p.child.once('exit', (code) => {
      if (!stopping) say(`${p.spec.name} exited (code ${code}); stopping the others.`);
      void stopAll(code ?? 1);
    });
  }

  for (const spec of specs.filter((s) => s.app === 'gateway' && s.name !== 'gateway')) {
    say(`${spec.name} is listening on http://${config.HOST}:${spec.port}`);
  }

  const adminToken = secretFromEnvOrDataDir(config.ADMIN_TOKEN, config.DATA_DIR, 'admin-token');
  say(`
docsession is running at ${config.PUBLIC_URL} (API docs: ${config.PUBLIC_URL}/docs)

Get an API key — either with the admin API:
  curl -s -X POST ${config.PUBLIC_URL}/v1/admin/tenants \\
    -H 'Authorization: Bearer ${adminToken}' -H 'Content-Type: application/json' \\
    -d '{"name": "acme"}'
or with the CLI:
  npm run cli -- tenants create --name acme

Then open a session:
  curl -s -X POST ${config.PUBLIC_URL}/v1/documents -H 'Authorization: Bearer <api_key>' \\
    -F file=@README.md

Press Ctrl-C to stop.`);
}
