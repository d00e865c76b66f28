import { WOPI_LOCK_MAX_LENGTH } from '@docsession/contracts';
import { z } from 'zod';
import { jsonReply, type ReplyDoc, type RouteDoc } from '../docs/route-doc';
import { errorEnvelopeSchema } from '../http/error.filter';
import { checkFileInfoSchema } from './check-file-info';

/*
 * The WOPI host's routes (wopi-routes.ts), for editors' servers rather than browsers. WOPI
 * clients read statuses: the error envelope comes with some answers, but what counts is the
 * status and the X-WOPI-* headers.
 */

const params = z.object({ document_id: z.uuid().meta({ description: 'The document: WOPISrc ends with it.' }) });
const query = z.object({
  access_token: z.string().meta({ description: "The session's bearer token (the last segment of its document_url)." }),
});
const lockId = z.string().min(1).max(WOPI_LOCK_MAX_LENGTH);
const proofHeaders = {
  'X-WOPI-TimeStamp': z
    .string()
    .optional()
    .meta({ description: '.NET ticks of the signature; at most 20 minutes old.' }),
  'X-WOPI-Proof': z
    .string()
    .optional()
    .meta({ description: 'RSA-SHA256 proof (required when discovery has a proof key).' }),
  'X-WOPI-ProofOld': z.string().optional().meta({ description: 'The same proof with the previous key.' }),
};
const itemVersion = z.object({
  'X-WOPI-ItemVersion': z.string().meta({ description: "The document's version; CheckFileInfo's Version." }),
});
const currentLock = z.object({
  'X-WOPI-Lock': z.string().meta({ description: 'The lock held, empty when the file is unlocked.' }),
});

const envelope = (description: string): ReplyDoc => ({
  description,
  content: { 'application/json': errorEnvelopeSchema },
});
/** Every WOPI route's refusals, the way WOPI clients read them. */
const refusals: Record<number, ReplyDoc> = {
  401: envelope("The access token gives no access: unknown, another document's, or an ended session's."),
  404: envelope('No such document.'),
  500: { description: 'The proof does not verify, is missing while discovery has a proof key, or is stale.' },
};

export const wopiRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/wopi/files/{document_id}',
    operationId: 'wopiCheckFileInfo',
    tag: 'editors',
    auth: 'none',
    summary: 'CheckFileInfo: the file and the user, for the editor',
    params,
    query,
    headers: z.object(proofHeaders),
    replies: { 200: jsonReply('The file and what this user may do with it.', checkFileInfoSchema), ...refusals },
  },
  {
    method: 'get',
    path: '/wopi/files/{document_id}/contents',
    operationId: 'wopiGetFile',
    tag: 'editors',
    auth: 'none',
    summary: "GetFile: the document's bytes",
    params,
    query,
    headers: z.object({ ...proofHeaders, 'X-WOPI-MaxExpectedSize': z.string().optional() }),
    replies: {
      200: {
        description: 'The bytes.',
        headers: itemVersion,
        content: { 'application/octet-stream': z.string().meta({ format: 'binary' }) },
      },
      412: { description: 'The file is larger than X-WOPI-MaxExpectedSize.' },
      ...refusals,
    },
  },
  {
    method: 'post',
    path: '/wopi/files/{document_id}/contents',
    operationId: 'wopiPutFile',
    tag: 'editors',
    auth: 'none',
    summary: 'PutFile (X-WOPI-Override: PUT): a save, with the same rules as the page’s',
    params,
    query,
    headers: z.object({
      ...proofHeaders,
      'X-WOPI-Override': z.literal('PUT'),
      'X-WOPI-Lock': lockId.optional(),
      'X-COOL-WOPI-Timestamp': z.string().optional().meta({ description: 'LastModifiedTime the edit is based on.' }),
      'X-COOL-WOPI-IsExitSave': z.string().optional(),
      'X-WOPI-Editors': z.string().optional().meta({ description: 'UserIds whose changes this save holds.' }),
    }),
    body: { required: true, description: 'The new bytes.', content: { '*/*': z.string().meta({ format: 'binary' }) } },
    replies: {
      200: jsonReply('Saved.', z.object({ LastModifiedTime: z.string() }), itemVersion),
      409: {
        description:
          'The lock held is not X-WOPI-Lock, or no lock is held and the file is not empty (X-WOPI-Lock says which); ' +
          'or, with {"COOLStatusCode": 1010}, X-COOL-WOPI-Timestamp is older than the last save. Nothing is saved.',
        headers: currentLock,
      },
      501: { description: 'Another X-WOPI-Override.' },
      ...refusals,
      401: envelope('No access (as everywhere), or a view-mode token.'),
    },
    errors: ['invalid_request', 'payload_too_large'],
  },
  {
    method: 'post',
    path: '/wopi/files/{document_id}',
    operationId: 'wopiLocks',
    tag: 'editors',
    auth: 'none',
    summary: 'LOCK (with X-WOPI-OldLock: UnlockAndRelock), GET_LOCK, REFRESH_LOCK, UNLOCK',
    description:
      'A lock lasts WOPI_LOCK_SECONDS (30 minutes) unless refreshed, is shared by all gateways, and ends with the document.',
    params,
    query,
    headers: z.object({
      ...proofHeaders,
      'X-WOPI-Override': z.string().meta({ description: 'LOCK, GET_LOCK, REFRESH_LOCK or UNLOCK; any other: 501.' }),
      'X-WOPI-Lock': lockId.optional(),
      'X-WOPI-OldLock': lockId.optional(),
    }),
    replies: {
      200: {
        description: 'Done; GET_LOCK answers the lock held in X-WOPI-Lock.',
        headers: itemVersion.extend(currentLock.partial().shape),
      },
      409: { description: 'The lock named is not the one held.', headers: currentLock },
      501: { description: 'PUT_RELATIVE, RENAME_FILE, DELETE or any other override.' },
      ...refusals,
      401: envelope('No access (as everywhere), or a view-mode token for anything but GET_LOCK.'),
    },
    errors: ['invalid_request'],
  },
];
