import { execute, queryRows } from '@docsession/platform';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { newApiKey, sha256Hex, webhookSecret } from './credentials';

export interface CreatedTenant {
  tenantId: string;
  apiKey: string;
  webhookSecret: string;
}

export interface CreatedKey {
  keyId: string;
  apiKey: string;
}

const tenantRow = z.object({ id: z.string(), name: z.string() });

/**
 * Tenants and their API keys: the only code that writes the `tenancy` schema. Raw SQL
 * through queryRows and execute, like every other context, so it works on any process's
 * data source (the worker's too).
 */
@Injectable()
export class TenancyService {
  constructor(private readonly db: DataSource) {}

  async createTenant(
    input: { tenantId?: string; name: string; webhookUrl: string | null },
    secretKey: string,
  ): Promise<CreatedTenant> {
    const tenantId = input.tenantId ?? randomUUID();
    const apiKey = newApiKey();
    // The tenant and its first key in one statement: both or neither.
    await execute(
      this.db,
      `WITH tenant AS (
         INSERT INTO tenancy.tenants (id, name, webhook_url) VALUES ($1, $2, $3) RETURNING id
       )
       INSERT INTO tenancy.api_keys (id, tenant_id, key_hash) SELECT $4, id, $5 FROM tenant`,
      [tenantId, input.name, input.webhookUrl, randomUUID(), sha256Hex(apiKey)],
    );
    return { tenantId, apiKey, webhookSecret: webhookSecret(secretKey, tenantId, 1) };
  }

  /** Null when the tenant does not exist. */
  async createKey(tenantId: string): Promise<CreatedKey | null> {
    const apiKey = newApiKey();
    const keyId = randomUUID();
    const rows = await queryRows(
      this.db,
      z.object({ id: z.string() }),
      `INSERT INTO tenancy.api_keys (id, tenant_id, key_hash)
       SELECT $1, id, $3 FROM tenancy.tenants WHERE id = $2 RETURNING id`,
      [keyId, tenantId, sha256Hex(apiKey)],
    );
    return rows.length ? { keyId, apiKey } : null;
  }

  /**
   * Revokes a key (revoking twice is fine) and returns its hash, for the caches of
   * verified keys to drop; null when no such key exists.
   */
  async revokeKey(keyId: string): Promise<string | null> {
    const rows = await queryRows(
      this.db,
      z.object({ key_hash: z.string() }),
      `UPDATE tenancy.api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING key_hash`,
      [keyId],
    );
    return rows[0]?.key_hash ?? null;
  }

  /** The tenant of an API key, by the key's hash; null for an unknown or revoked key. */
  async tenantOfKey(keyHash: string): Promise<string | null> {
    const rows = await queryRows(
      this.db,
      z.object({ tenant_id: z.string() }),
      `SELECT tenant_id FROM tenancy.api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
    return rows[0]?.tenant_id ?? null;
  }

  /** Where a tenant's webhooks go (null: nowhere) and its secret's version; null for an unknown tenant. */
  async webhookTarget(tenantId: string): Promise<{ webhookUrl: string | null; secretVersion: number } | null> {
    const rows = await queryRows(
      this.db,
      z.object({ webhook_url: z.string().nullable(), webhook_secret_version: z.number() }),
      `SELECT webhook_url, webhook_secret_version FROM tenancy.tenants WHERE id = $1`,
      [tenantId],
    );
    return rows[0] ? { webhookUrl: rows[0].webhook_url, secretVersion: rows[0].webhook_secret_version } : null;
  }

  /** Every tenant's id and name, by id (for the operator's billing export). */
  async tenantNames(): Promise<{ tenantId: string; name: string }[]> {
    const rows = await queryRows(this.db, tenantRow, `SELECT id, name FROM tenancy.tenants ORDER BY id`);
    return rows.map((r) => ({ tenantId: r.id, name: r.name }));
  }

  /** Whether a tenant of this id exists. */
  async tenantExists(tenantId: string): Promise<boolean> {
    const rows = await queryRows(this.db, tenantRow, `SELECT id, name FROM tenancy.tenants WHERE id = $1`, [tenantId]);
    return rows.length > 0;
  }
}
