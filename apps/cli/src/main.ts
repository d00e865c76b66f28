import 'reflect-metadata';
import { UsageLedger } from '@docsession/metering';
import {
  ConfigError,
  createDataSource,
  createRedis,
  loadConfig,
  redisPrefix,
  secretFromEnvOrDataDir,
  type AppConfig,
} from '@docsession/platform';
import { KeyRevocations, TenancyService } from '@docsession/tenancy';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { billingExport, billingReconcile } from './billing-commands';
import { migrate } from './migrate';
import { start } from './start';
import { UsageError } from './usage-error';

const USAGE = `Usage: npm run cli -- <command> [options]

  start [--replicas gateway=2,worker=3]
                                      migrate, run all four services (several processes of those
                                      --replicas names), print how to get an API key
  db migrate                          create the database if needed and apply migrations
  tenants create --name NAME [--usage-limit N] [--grace-percent N] [--webhook-url URL] [--plan-name NAME]
                                      create a tenant with its plan; prints its first API key
  keys create --tenant TENANT_ID      issue another API key for a tenant
  keys revoke --key KEY_ID            revoke a key (it answers 401 at once)
  admin-token                         print the ADMIN_TOKEN the gateway accepts
  billing export --period YYYY-MM [--out FILE] [--format csv|ndjson] [--tenant TENANT_ID]
                                      the period's billable calls, as GET /v1/usage/export gives them
                                      (all tenants without --tenant); progress on stderr, stdout without --out
  billing reconcile --period YYYY-MM [--fix]
                                      recompute every counter from the ledger; exit code 1 on a difference

Settings come from the environment, as for the services (see the README).`;

const out = (line: string): void => void process.stdout.write(`${line}\n`);

async function withContexts<T>(config: AppConfig, run: (tenancy: TenancyService, ledger: UsageLedger) => Promise<T>) {
  const db = await createDataSource(config).initialize();
  try {
    const ledger = new UsageLedger(db, {
      usageLimit: config.DEFAULT_USAGE_LIMIT,
      gracePercent: config.DEFAULT_GRACE_PERCENT,
    });
    return await run(new TenancyService(db), ledger);
  } finally {
    await db.destroy();
  }
}

function count(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number ≥ 0`);
  return n;
}

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'usage-limit': { type: 'string' },
      'grace-percent': { type: 'string' },
      'webhook-url': { type: 'string' },
      'plan-name': { type: 'string' },
      tenant: { type: 'string' },
      key: { type: 'string' },
      period: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      fix: { type: 'boolean' },
      replicas: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help || !command) return out(USAGE);
  const config = loadConfig();

  switch (command) {
    case 'start':
      return start(values.replicas ?? '');
    case 'db migrate':
      return migrate(config, out);
    case 'tenants create': {
      if (!values.name) throw new UsageError('tenants create needs --name');
      const name = values.name;
      const tenantId = randomUUID();
      const usageLimit = count(values['usage-limit'], 'usage-limit') ?? config.DEFAULT_USAGE_LIMIT;
      const gracePercent = count(values['grace-percent'], 'grace-percent') ?? config.DEFAULT_GRACE_PERCENT;
      const secretKey = secretFromEnvOrDataDir(config.SECRET_KEY, config.DATA_DIR, 'secret-key');
      const created = await withContexts(config, async (tenancy, ledger) => {
        await ledger.setPlan({ tenantId, name: values['plan-name'] ?? 'standard', usageLimit, gracePercent });
        return tenancy.createTenant({ tenantId, name, webhookUrl: values['webhook-url'] ?? null }, secretKey);
      });
      out(`tenant_id:      ${created.tenantId}`);
      out(`api_key:        ${created.apiKey}`);
      out(`webhook_secret: ${created.webhookSecret}`);
      out('The key and the webhook secret are shown only now; keep them safe.');
      return;
    }
    case 'keys create': {
      if (!values.tenant) throw new UsageError('keys create needs --tenant');
      const tenantId = values.tenant;
      const key = await withContexts(config, (tenancy) => tenancy.createKey(tenantId));
      if (!key) throw new UsageError(`No tenant ${tenantId}`);
      out(`key_id:  ${key.keyId}`);
      out(`api_key: ${key.apiKey}`);
      return;
    }
    case 'keys revoke': {
      if (!values.key) throw new UsageError('keys revoke needs --key');
      const keyId = values.key;
      const keyHash = await withContexts(config, (tenancy) => tenancy.revokeKey(keyId));
      if (!keyHash) throw new UsageError(`No key ${keyId}`);
      const redis = createRedis(config, 'producer');
      try {
        await new KeyRevocations(redis, redisPrefix(config)).announce(keyHash);
      } finally {
        redis.disconnect();
      }
      out(`Revoked ${keyId}.`);
      return;
    }
    case 'billing export':
      return billingExport(config, values, process.stderr);
    case 'billing reconcile': {
      process.exitCode = await billingReconcile(config, values, out);
      return;
    }
    case 'admin-token':
      return out(secretFromEnvOrDataDir(config.ADMIN_TOKEN, config.DATA_DIR, 'admin-token'));
    default:
      throw new UsageError(`Unknown command "${command}"\n\n${USAGE}`);
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  const known =
    err instanceof UsageError ||
    err instanceof ConfigError ||
    (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(known ? 2 : 1);
});
