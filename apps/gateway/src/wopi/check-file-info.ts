import type { WopiAccess } from '@docsession/contracts';
import { z } from 'zod';

/** CheckFileInfo's answer, as the OpenAPI document shows it. */
export const checkFileInfoSchema = z
  .object({
    BaseFileName: z.string(),
    Size: z.int().min(0),
    Version: z.string(),
    OwnerId: z.string(),
    UserId: z.string(),
    UserFriendlyName: z.string(),
    UserCanWrite: z.boolean(),
    ReadOnly: z.boolean(),
    SupportsLocks: z.literal(true),
    SupportsGetLock: z.literal(true),
    SupportsExtendedLockLength: z.literal(true),
    SupportsUpdate: z.literal(true),
    UserCanNotWriteRelative: z.literal(true),
    SupportsRename: z.literal(false),
    UserCanRename: z.literal(false),
    SupportsDeleteFile: z.literal(false),
    IsAdminUser: z.literal(false),
    LastModifiedTime: z.string(),
    PostMessageOrigin: z.string(),
    ClosePostMessage: z.literal(true),
    FileExtension: z.string().optional(),
  })
  .meta({ id: 'CheckFileInfo' });
export type CheckFileInfo = z.infer<typeof checkFileInfoSchema>;

/**
 * The CheckFileInfo answer (API.md "Editors"): what the editor needs to open the file for this
 * session's user. No value is ever null (editors read a null as "wrong type" and give up).
 * `UserId` is the session's user id, or the session id when the open named no user, so two
 * co-editors never look like one person; `Version` changes with every save.
 */
export function checkFileInfo(
  access: WopiAccess,
  postMessageOrigin: string,
): Record<string, string | number | boolean> {
  const { session, file } = access;
  const canWrite = session.mode === 'edit';
  const userId = session.user?.id ?? session.sessionId;
  const dot = file.name.lastIndexOf('.');
  return {
    BaseFileName: file.name,
    Size: file.sizeBytes,
    Version: String(file.version),
    OwnerId: file.ownerId,
    UserId: userId,
    UserFriendlyName: session.user?.display_name ?? session.user?.id ?? 'Guest',
    UserCanWrite: canWrite,
    ReadOnly: !canWrite,
    SupportsLocks: true,
    SupportsGetLock: true,
    SupportsExtendedLockLength: true,
    SupportsUpdate: true,
    UserCanNotWriteRelative: true,
    SupportsRename: false,
    UserCanRename: false,
    SupportsDeleteFile: false,
    IsAdminUser: false,
    LastModifiedTime: file.modifiedAt,
    PostMessageOrigin: postMessageOrigin,
    ClosePostMessage: true,
    ...(dot > 0 && { FileExtension: file.name.slice(dot) }),
  };
}
