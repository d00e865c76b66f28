import { z } from 'zod';
import { jsonReply, type RouteDoc } from '../docs/route-doc';
import { sessionTokenSchema } from '../opens/session-tokens';
import { saveReplySchema } from './page-saves';

const token = z.object({ token: sessionTokenSchema });
const html = (description: string) => ({ description, content: { 'text/html': z.string() } });
const bytes = z.string().meta({ format: 'binary' });

/** The browser's routes (PageController, and the save route registered apart: save-route.ts). */
export const pageRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/s/{token}',
    operationId: 'getPage',
    tag: 'browser',
    auth: 'sessionToken',
    summary: "The document's page; its first heartbeat marks the session active",
    description:
      'Text-like content is shown in an editor (edit mode) or read-only (view mode); other types get a preview where ' +
      'the browser can show one and a download link. The page heartbeats every HEARTBEAT_SECONDS and sends a close ' +
      'beacon on pagehide.',
    params: token,
    replies: {
      200: html('The page.'),
      404: html('A page saying the link is unknown.'),
      410: html('A page saying the session has ended.'),
    },
  },
  {
    method: 'get',
    path: '/s/{token}/content',
    operationId: 'getPageContent',
    tag: 'browser',
    auth: 'sessionToken',
    summary: 'The bytes of the document',
    params: token,
    query: z.object({
      inline: z
        .literal('1')
        .optional()
        .meta({ description: 'Shown inline (the PDF preview) for types that cannot run as a page.' }),
    }),
    replies: {
      200: {
        description: "The content, with the document's content type.",
        headers: z.object({ 'X-Document-Version': z.int().min(1).meta({ description: 'The version served.' }) }),
        content: { '*/*': bytes },
      },
    },
    errors: ['gone'],
  },
  {
    method: 'put',
    path: '/s/{token}/content',
    operationId: 'savePageContent',
    tag: 'browser',
    auth: 'sessionToken',
    summary: 'Save new content (edit mode; not billable; triggers the save callback)',
    params: token,
    body: {
      required: true,
      description: 'The raw bytes, of any content type. The session is checked before any of them is read.',
      content: { '*/*': bytes },
    },
    replies: { 200: jsonReply('Saved.', saveReplySchema) },
    errors: ['forbidden', 'gone', 'payload_too_large'],
  },
  {
    method: 'post',
    path: '/s/{token}/heartbeat',
    operationId: 'heartbeat',
    tag: 'browser',
    auth: 'sessionToken',
    summary: 'Keep the session open (without one for IDLE_TIMEOUT_SECONDS it closes: idle_timeout)',
    description: 'A body, if any, is ignored and may be at most 1 KiB.',
    params: token,
    replies: { 204: { description: 'Noted.' } },
    errors: ['gone', 'payload_too_large'],
  },
  {
    method: 'post',
    path: '/s/{token}/close',
    operationId: 'closePage',
    tag: 'browser',
    auth: 'sessionToken',
    summary: 'Close the session (closed_by_user) after CLOSE_GRACE_SECONDS unless the page loads or heartbeats again',
    description: 'A body, if any, is ignored and may be at most 1 KiB.',
    params: token,
    replies: { 202: { description: 'Closing.' } },
    errors: ['gone', 'payload_too_large'],
  },
];
