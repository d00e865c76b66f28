import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export type AppName = 'gateway' | 'session' | 'metering' | 'worker';

export interface ProcessSpec {
  /** A label for logs; unique within one system. */
  name: string;
  app: AppName;
  /** Port of its HTTP probes, to wait for `/readyz`. */
  port: number;
  /** Settings for this process on top of the shared environment. */
  env?: NodeJS.ProcessEnv;
  /** Extra Node.js flags, e.g. `--cpu-prof` to profile it. */
  nodeArgs?: string[];
}

export interface RunningProcess {
  spec: ProcessSpec;
  child: ChildProcess;
}

/** `apps/<app>/dist/main.js`, found from this file in `src/` (tests) and in `dist/` alike. */
export function entryOf(app: AppName | 'cli'): string {
  return resolve(__dirname, '..', '..', '..', 'apps', app, 'dist', 'main.js');
}

/**
 * Runs services as child processes of this one, the way an operator runs them, and
 * waits until each answers `/readyz`. Used by `npm start`, the e2e tests and the
 * benchmarks, so they all run the same thing.
 */
export class LocalSystem {
  readonly processes: RunningProcess[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (name: string, line: string) => void,
  ) {}

  /** Applies migrations the way an operator does: `cli db migrate`, in this environment. */
  async migrate(): Promise<void> {
    const child = spawn(process.execPath, [entryOf('cli'), 'db', 'migrate'], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => this.log('migrate', line));
    }
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    if (code !== 0) throw new Error(`migrations failed (exit code ${code})`);
  }

  /** Starts the processes and waits until all are ready; if one is not, stops them all again. */
  async start(specs: ProcessSpec[], readyTimeoutMs = 120_000): Promise<void> {
    const started = specs.map((spec) => this.launch(spec));
    try {
      await Promise.all(specs.map((spec) => this.waitReady(spec, readyTimeoutMs)));
    } catch (err) {
      // Nobody else will stop them: the caller's setup failed, so its teardown never runs,
      // and orphaned services would load the machine for every later run.
      await Promise.all(started.map((p) => this.stopProcess(p)));
      throw err;
    }
  }

  launch(spec: ProcessSpec): RunningProcess {
    const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), entryOf(spec.app)], {
      env: { ...this.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => this.log(spec.name, line));
    }
    const running = { spec, child };
    this.processes.push(running);
    return running;
  }

  find(name: string): RunningProcess {
    const found = this.processes.find((p) => p.spec.name === name && p.child.exitCode === null);
    if (!found) throw new Error(`No running process ${name}`);
    return found;
  }

  async waitReady(spec: ProcessSpec, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const url = `http://127.0.0.1:${spec.port}/readyz`;
    for (;;) {
      const running = this.processes.find((p) => p.spec === spec);
      if (running && running.child.exitCode !== null) {
        throw new Error(`${spec.name} exited with code ${running.child.exitCode} before it was ready`);
      }
      try {
        if ((await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${spec.name} was not ready within ${timeoutMs} ms (${url})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stops one process: SIGTERM and a clean shutdown, or SIGKILL for a crash. */
  async stopProcess(running: RunningProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    const { child } = running;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => this.stopProcess(p)));
  }
}

/** How many processes of each service to run; a service not named runs once. */
export type Replicas = Partial<Record<AppName, number>>;

/** The setting that names a service's HTTP port. */
const PORT_SETTING: Record<AppName, string> = {
  gateway: 'PORT',
  session: 'SESSION_PORT',
  metering: 'METERING_PORT',
  worker: 'WORKER_PORT',
};

/** Gateways last: they are ready to take opens only once the services behind them are. */
const START_ORDER = ['session', 'metering', 'worker', 'gateway'] as const;

/** The four services on one machine, on the ports the configuration names. */
export function defaultProcesses(ports: Record<AppName, number>): ProcessSpec[] {
  return START_ORDER.map((app): ProcessSpec => ({ name: app, app, port: ports[app] }));
}

/**
 * `replicas` of each service: the first of each on the port the configuration names (and
 * named as the service), the others on ports `portFor` picks, named `gateway-2`,
 * `gateway-3`… They share everything else — database, Redis, broker, blob store — as
 * replicas on several machines do.
 */
export async function replicatedProcesses(
  ports: Record<AppName, number>,
  replicas: Replicas,
  portFor: () => Promise<number>,
): Promise<ProcessSpec[]> {
  const specs: ProcessSpec[] = [];
  for (const app of START_ORDER) {
    const count = replicas[app] ?? 1;
    if (!Number.isSafeInteger(count) || count < 1) throw new Error(`${app}: replicas must be a whole number ≥ 1`);
    specs.push({ name: app, app, port: ports[app] });
    for (let i = 2; i <= count; i++) {
      const port = await portFor();
      specs.push({ name: `${app}-${i}`, app, port, env: { [PORT_SETTING[app]]: String(port) } });
    }
  }
  return specs;
}

/** `gateway=2,worker=3` (the `--replicas` of `cli start`) as Replicas. */
export function parseReplicas(text: string): Replicas {
  const replicas: Replicas = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [app, count] = part.split('=');
    if (!Object.hasOwn(PORT_SETTING, app)) throw new Error(`--replicas: unknown service ${JSON.stringify(app)}`);
    if (!/^[1-9][0-9]?$/.test(count ?? '')) throw new Error(`--replicas: ${app} needs a count from 1 to 99`);
    replicas[app as AppName] = Number(count);
  }
  return replicas;
}
