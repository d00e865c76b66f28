import type { DocumentRecord, DocumentSessions, SessionRecord, UsageReport } from '@docsession/contracts';
import { z } from 'zod';
import type { SessionPresenter, SessionView } from '../opens/session-presenter';
import type { ZohoProduct } from './zoho-products';

/*
 * The answers of the Zoho routes, with exactly Zoho's field names. Zoho's SDKs pick the
 * class of an answer by the keys present, so an answer carries its own keys and no
 * other class's full set. Times are Zoho's: ISO without milliseconds, and `*_ms`
 * integers (the SDKs read those as 64-bit integers). `document_id` is docsession's id;
 * the caller's own id is kept as the document's external_id.
 */

const url = z.url();
const zohoTime = z.string().meta({ example: '2026-12-02T13:54:41Z' });
const zohoMs = z.int().meta({ format: 'int64', example: 1_764_683_681_000 });

export const zohoCreatedSchema = z
  .object({
    document_url: url.meta({ description: "The session's page, to open in the user's browser." }),
    document_id: z.uuid(),
    session_id: z.uuid(),
    save_url: url.meta({ description: 'Where the session saves new content (`PUT`, the page’s save).' }),
    session_delete_url: url,
    document_delete_url: url,
    gridview_url: url.optional().meta({ description: 'Sheet only: the same page.' }),
  })
  .meta({ id: 'ZohoCreateResponse' });
export type ZohoCreated = z.infer<typeof zohoCreatedSchema>;

export const zohoPreviewSchema = z
  .object({
    preview_url: url.meta({ description: "The view-mode session's page." }),
    document_id: z.uuid(),
    session_id: z.uuid(),
    session_delete_url: url,
    document_delete_url: url,
    gridview_url: url.optional().meta({ description: 'Sheet only: the same page.' }),
  })
  .meta({ id: 'ZohoPreviewResponse' });
export type ZohoPreview = z.infer<typeof zohoPreviewSchema>;

export const zohoSessionSchema = z
  .object({
    status: z.enum(['active', 'inactive', 'invalid']).meta({
      description: '`inactive` until the page is opened, `active` once it is, `invalid` once the session ended.',
    }),
    user_info: z.object({ user_id: z.string().optional(), display_name: z.string().optional() }).optional(),
    info: z.object({
      document_id: z.uuid(),
      created_time: zohoTime,
      created_time_ms: zohoMs,
      expires_on: zohoTime,
      expires_on_ms: zohoMs,
      session_url: url.meta({ description: "The session's page." }),
      session_delete_url: url,
    }),
  })
  .meta({ id: 'ZohoSession' });
export type ZohoSession = z.infer<typeof zohoSessionSchema>;

export const zohoDocumentSchema = z
  .object({
    document_id: z.uuid(),
    document_name: z.string(),
    document_type: z.string().meta({ example: 'document' }),
    collaborators_count: z.int().min(0).meta({ description: 'Distinct users among all its sessions.' }),
    active_sessions_count: z.int().min(0).meta({ description: 'Its sessions that have not ended.' }),
    created_time: zohoTime,
    created_time_ms: zohoMs,
    expires_on: zohoTime,
    expires_on_ms: zohoMs,
  })
  .meta({ id: 'ZohoDocument' });
export type ZohoDocument = z.infer<typeof zohoDocumentSchema>;

export const zohoDocumentSessionsSchema = zohoDocumentSchema
  .extend({
    sessions: z.array(zohoSessionSchema).meta({ description: 'Its sessions that have not ended, newest first.' }),
  })
  .meta({ id: 'ZohoDocumentSessions' });
export type ZohoDocumentSessions = z.infer<typeof zohoDocumentSessionsSchema>;

export const writerSessionDeletedSchema = z
  .object({ session_deleted: z.literal(true) })
  .meta({ id: 'ZohoWriterSessionDeleted' });
export const writerDocumentDeletedSchema = z
  .object({ document_deleted: z.literal(true) })
  .meta({ id: 'ZohoWriterDocumentDeleted' });
// Sheet and Show answer strings here; their SDKs read these keys as strings.
export const sessionDeleteSchema = z.object({ session_delete: z.literal('true') }).meta({ id: 'ZohoSessionDelete' });
export const docDeleteSchema = z.object({ doc_delete: z.literal('true') }).meta({ id: 'ZohoDocDelete' });

export const zohoPlanSchema = z
  .object({
    plan_name: z.string(),
    usage_limit: z.int().meta({ format: 'int64', example: 50_000 }),
    total_usage: z.int().meta({ format: 'int64', example: 284 }),
    remaining_usage_limit: z.int().meta({ format: 'int64', example: 49_716 }),
    subscription_period: z
      .string()
      .meta({ description: 'The current period: `<start> - <end>`.', example: '2026-12-01 - 2027-01-01' }),
    subscription_interval: z.literal('monthly'),
  })
  .meta({ id: 'ZohoPlan' });
export type ZohoPlan = z.infer<typeof zohoPlanSchema>;

/** Zoho's time: ISO-8601 in seconds. */
const time = (iso: string) => `${iso.slice(0, 19)}Z`;
const ms = (iso: string) => Date.parse(iso);
const day = (iso: string) => iso.slice(0, 10);

/** Presents docsession's objects as one Zoho product shows them, with its own URLs. */
export class ZohoPresenter {
  constructor(
    private readonly product: ZohoProduct,
    private readonly publicUrl: string,
    private readonly sessions: SessionPresenter,
  ) {}

  sessionDeleteUrl(sessionId: string): string {
    return `${this.publicUrl}${this.product.base}/${this.product.sessionDelete}/${sessionId}`;
  }

  documentDeleteUrl(documentId: string): string {
    return `${this.publicUrl}${this.product.base}/${this.product.documents}/${documentId}`;
  }

  created(s: SessionView): ZohoCreated {
    return {
      document_url: s.document_url,
      document_id: s.document_id,
      session_id: s.session_id,
      save_url: `${s.document_url}/content`,
      session_delete_url: this.sessionDeleteUrl(s.session_id),
      document_delete_url: this.documentDeleteUrl(s.document_id),
      ...this.gridview(s),
    };
  }

  preview(s: SessionView): ZohoPreview {
    return {
      preview_url: s.document_url,
      document_id: s.document_id,
      session_id: s.session_id,
      session_delete_url: this.sessionDeleteUrl(s.session_id),
      document_delete_url: this.documentDeleteUrl(s.document_id),
      ...this.gridview(s),
    };
  }

  session(record: SessionRecord): ZohoSession {
    const s = this.sessions.present(record);
    const user = record.user;
    return {
      status: s.status === 'active' || s.status === 'inactive' ? s.status : 'invalid',
      ...(user && {
        user_info: {
          ...(user.id !== undefined && { user_id: user.id }),
          ...(user.display_name !== undefined && { display_name: user.display_name }),
        },
      }),
      info: {
        document_id: s.document_id,
        created_time: time(s.created_at),
        created_time_ms: ms(s.created_at),
        expires_on: time(s.expires_at),
        expires_on_ms: ms(s.expires_at),
        session_url: s.document_url,
        session_delete_url: this.sessionDeleteUrl(s.session_id),
      },
    };
  }

  document(d: DocumentRecord): ZohoDocument {
    return {
      document_id: d.documentId,
      document_name: d.name,
      document_type: this.product.documentType,
      collaborators_count: d.collaboratorsCount,
      active_sessions_count: d.activeSessionsCount,
      created_time: time(d.createdAt),
      created_time_ms: ms(d.createdAt),
      expires_on: time(d.expiresAt),
      expires_on_ms: ms(d.expiresAt),
    };
  }

  documentSessions(d: DocumentRecord, { sessions }: DocumentSessions): ZohoDocumentSessions {
    const open = sessions.filter((s) => s.status === 'active' || s.status === 'inactive');
    return { ...this.document(d), sessions: open.map((s) => this.session(s)) };
  }

  private gridview(s: SessionView): { gridview_url?: string } {
    return this.product.name === 'sheet' ? { gridview_url: s.document_url } : {};
  }
}

export function presentPlan(u: UsageReport): ZohoPlan {
  return {
    plan_name: u.plan.name,
    usage_limit: u.plan.usageLimit,
    total_usage: u.totalUsage,
    remaining_usage_limit: u.remainingUsageLimit,
    subscription_period: `${day(u.period.start)} - ${day(u.period.endExclusive)}`,
    subscription_interval: 'monthly',
  };
}
