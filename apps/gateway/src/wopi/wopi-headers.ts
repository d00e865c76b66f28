import {
  DomainError,
  ErrorCode,
  WOPI_LOCK_MAX_LENGTH,
  wopiSaveSchema,
  type WopiLockOperation,
  type WopiSaveConditions,
} from '@docsession/contracts';
import type { IncomingHttpHeaders } from 'node:http';

const invalid = (message: string) => new DomainError(ErrorCode.InvalidRequest, message);

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function lockHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = one(headers, name);
  if (value === undefined || value === '') return undefined;
  if (value.length > WOPI_LOCK_MAX_LENGTH) throw invalid(`${name} is longer than ${WOPI_LOCK_MAX_LENGTH} characters.`);
  return value;
}

/** X-WOPI-Lock (and X-WOPI-OldLock) of a lock operation: required except for GET_LOCK, at most 1024 characters. */
export function wopiLockHeaders(headers: IncomingHttpHeaders, operation: WopiLockOperation) {
  const lock = lockHeader(headers, 'x-wopi-lock');
  if (!lock && operation !== 'get') throw invalid('X-WOPI-Lock is required.');
  return { lock: operation === 'get' ? undefined : lock, oldLock: lockHeader(headers, 'x-wopi-oldlock') };
}

/**
 * PutFile's preconditions from its headers: X-WOPI-Lock, Collabora's X-COOL-WOPI-Timestamp (the
 * LastModifiedTime its copy is based on) and X-COOL-WOPI-IsExitSave, ONLYOFFICE's X-WOPI-Editors.
 * (X-LOOL-… are the same headers from older Collabora releases.) A malformed one is a 400.
 */
export function putFileConditions(headers: IncomingHttpHeaders, documentId: string): WopiSaveConditions {
  const timestamp = one(headers, 'x-cool-wopi-timestamp') ?? one(headers, 'x-lool-wopi-timestamp');
  const parsed = timestamp === undefined || timestamp === '' ? null : Date.parse(timestamp);
  if (parsed !== null && Number.isNaN(parsed)) throw invalid('X-COOL-WOPI-Timestamp is not a time.');
  const exitSave = (one(headers, 'x-cool-wopi-isexitsave') ?? one(headers, 'x-lool-wopi-isexitsave')) === 'true';
  const editors = (one(headers, 'x-wopi-editors') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const conditions = wopiSaveSchema.safeParse({
    documentId,
    lock: lockHeader(headers, 'x-wopi-lock') ?? null,
    timestamp: parsed === null ? null : new Date(parsed).toISOString(),
    exitSave,
    editors,
  });
  if (!conditions.success) throw invalid('The X-WOPI-Editors header is not valid.');
  return conditions.data;
}
