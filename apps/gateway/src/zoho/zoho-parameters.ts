import type { OpenOptions } from '../opens/open-options';
import { z } from 'zod';
import { ZohoFailure } from './zoho-errors';

/*
 * Zoho's request parameters. Its nested parameters arrive as multipart text parts each
 * holding a JSON object; keys docsession has no use for are ignored, as Zoho ignores
 * keys it does not know. Types are still checked: a wrong type is Zoho's "invalid value".
 */

const text = z.string().max(255);

export const documentInfoSchema = z
  .looseObject({
    document_id: text.min(1).optional().meta({
      description:
        "The caller's id of the document: with the id of a live document of the same tenant, another session opens on it (co-editing); otherwise a new document is kept under it (its external_id).",
      example: 'crm-4711',
    }),
    document_name: text.min(1).optional().meta({ example: 'Report' }),
  })
  .meta({ id: 'ZohoDocumentInfo' });

export const userInfoSchema = z
  .looseObject({
    user_id: text.optional().meta({ example: '1111' }),
    display_name: text.optional().meta({ example: 'Amelia' }),
  })
  .meta({ id: 'ZohoUserInfo' });

export const callbackSettingsSchema = z
  .looseObject({
    save_url: z.string().max(2048).optional().meta({ example: 'https://partner.example/save' }),
    save_url_headers: z.record(z.string(), z.string()).optional(),
    retries: z.int().min(0).optional(),
    timeout: z.int().min(0).optional().meta({ description: 'Milliseconds per attempt.' }),
    save_format: z.string().optional().meta({ description: 'Accepted and ignored: the content is saved as is.' }),
    http_method_type: z.string().optional().meta({ description: 'Accepted and ignored: the callback is a POST.' }),
    save_url_params: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "Accepted and ignored: the callback's parts are docsession's." }),
  })
  .meta({ id: 'ZohoCallbackSettings' });

export const permissionsSchema = z
  .looseObject({
    'document.edit': z.boolean().optional().meta({ description: '`false` opens the session in view mode.' }),
  })
  .meta({ id: 'ZohoPermissions' });

/** Accepted and ignored: how Zoho's own editor looks is no part of docsession's page. */
const ignoredObject = z.looseObject({});

/** The JSON parts, by name, with the schema each is checked with. */
export const JSON_PARTS = {
  document_info: documentInfoSchema,
  user_info: userInfoSchema,
  callback_settings: callbackSettingsSchema,
  permissions: permissionsSchema,
  editor_settings: ignoredObject,
  ui_options: ignoredObject,
  document_defaults: ignoredObject,
} as const;
export type JsonPartName = keyof typeof JSON_PARTS;
export type ZohoParameters = { [P in JsonPartName]?: z.infer<(typeof JSON_PARTS)[P]> } & { url?: string };

/** Text parts Zoho's API takes that docsession accepts and has no use for (e.g. `lang`). */
export const IGNORED_TEXT_PARTS: ReadonlySet<string> = new Set(['lang', 'language', 'password']);

export const isJsonPart = (name: string): name is JsonPartName => Object.hasOwn(JSON_PARTS, name);

/** One JSON part, parsed and checked; the failure names the part, and the key when one is wrong. */
export function parseJsonPart<P extends JsonPartName>(name: P, value: string): z.infer<(typeof JSON_PARTS)[P]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ZohoFailure('invalidValue', name);
  }
  // PostgreSQL keeps no NUL in text or JSON: refused here, before anything is stored or billed.
  if (hasNul(parsed)) throw new ZohoFailure('invalidValue', name);
  const result = JSON_PARTS[name].safeParse(parsed);
  if (!result.success) {
    const key = result.error.issues[0]?.path[0];
    throw new ZohoFailure('invalidValue', name, typeof key === 'string' ? key : undefined);
  }
  return result.data as z.infer<(typeof JSON_PARTS)[P]>;
}

/** Whether a NUL character is in any string or key of a JSON value. */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, v]) => key.includes('\0') || hasNul(v));
  }
  return false;
}

/** What the request asks of docsession's open path. `view` forces view mode (a preview). */
export function openOptionsOf(p: ZohoParameters, view: boolean): OpenOptions {
  const info = p.document_info;
  const user = p.user_info;
  const callback = p.callback_settings;
  const editable = !view && p.permissions?.['document.edit'] !== false;
  return {
    mode: editable ? 'edit' : 'view',
    ...(user && (user.user_id !== undefined || user.display_name !== undefined)
      ? { user: { id: user.user_id, display_name: user.display_name } }
      : {}),
    ...((info?.document_id !== undefined || info?.document_name !== undefined) && {
      document: {
        ...(info.document_id !== undefined && { external_id: info.document_id }),
        ...(info.document_name !== undefined && { name: info.document_name }),
      },
    }),
    ...(callback?.save_url !== undefined && {
      callback: {
        save_url: callback.save_url,
        ...(callback.save_url_headers && { headers: callback.save_url_headers }),
        ...(callback.retries !== undefined && { retries: callback.retries }),
        ...(callback.timeout !== undefined && { timeout_ms: callback.timeout }),
      },
    }),
  };
}
