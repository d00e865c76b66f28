import { isoTimeSchema, MAX_VERSION_NUMBER, userSchema, type VersionRecord } from '@docsession/contracts';
import { z } from 'zod';

/** The answers of the version routes, as the contract shapes them (snake_case). */

export const versionViewSchema = z
  .object({
    number: z.int().min(1).meta({
      description: 'The document `version` this content had; `GET …/versions/{number}/content` reads it.',
      example: 3,
    }),
    size_bytes: z.int().min(0).meta({ format: 'int64', example: 1234 }),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    saved_at: isoTimeSchema.meta({ description: 'When this content was saved (the upload, for version 1).' }),
    session_id: z
      .uuid()
      .meta({ description: 'The session that saved it (the one that opened the document, for version 1).' }),
    user: userSchema.nullable().meta({ description: "That session's user." }),
  })
  .meta({
    id: 'Version',
    description:
      'An earlier content of a live document: each save keeps the content it replaces, at most VERSIONS_KEPT ' +
      '(default 10; the oldest go first). Every version is removed with the document’s content.',
  });

export const versionListSchema = z
  .object({
    versions: z
      .array(versionViewSchema)
      .meta({ description: 'Newest first; empty before the first save and once the content was removed.' }),
  })
  .meta({ id: 'VersionList' });
export type VersionList = z.infer<typeof versionListSchema>;

/** The `{number}` of a version path, as the document shows it. */
export const versionNumberSchema = z
  .int()
  .min(1)
  .max(MAX_VERSION_NUMBER)
  .meta({ description: 'The version number (one that names no kept version answers 404).', example: 1 });

export const presentVersions = (versions: VersionRecord[]): VersionList => ({
  versions: versions.map((v) => ({
    number: v.number,
    size_bytes: v.sizeBytes,
    sha256: v.sha256,
    saved_at: v.savedAt,
    session_id: v.sessionId,
    user: v.user,
  })),
});
