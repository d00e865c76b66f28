import { z } from 'zod';

/**
 * What PostgreSQL can keep of a string exactly as it was sent. `text` and `jsonb` refuse
 * the NUL character; `jsonb` refuses an unpaired surrogate (JSON.stringify writes it as a
 * lone `\udXXX` escape), and `text` would silently turn one into U+FFFD. Either way a
 * consumer could never store the event, so the schemas below refuse such strings where
 * they enter: at the edge, and again in every consumer.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSTORABLE_MESSAGE = 'must not contain NUL (\\u0000) characters or unpaired surrogates';

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** A string of at most `max` UTF-16 code units that PostgreSQL stores as sent. */
export function storableText(max: number) {
  return z.string().max(max).refine(isStorableText, UNSTORABLE_MESSAGE);
}

/** Where in a JSON value something PostgreSQL's jsonb cannot keep as sent is, and what. */
export interface JsonProblem {
  path: (string | number)[];
  message: string;
}

/** A value met while walking a JSON value, and how it was reached (its path is built only when needed). */
interface Visit {
  value: unknown;
  key: string | number | null;
  parent: Visit | null;
}

function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let v: Visit | null = visit; v && v.key !== null; v = v.parent) path.push(v.key);
  return path.reverse();
}

/**
 * The first thing in a parsed JSON value that `jsonb` would refuse or change: a key or a
 * string with NUL or an unpaired surrogate, or a number JSON cannot carry (JSON.parse turns
 * `1e400` into Infinity, which JSON.stringify writes as null). Iterative, with parent links
 * instead of a path per value, so a deeply nested value costs neither stack nor quadratic time.
 */
export function jsonProblemIn(value: unknown): JsonProblem | null {
  const stack: Visit[] = [{ value, key: null, parent: null }];
  while (stack.length) {
    const visit = stack.pop()!;
    const v = visit.value;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return { path: pathOf(visit), message: UNSTORABLE_MESSAGE };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path: pathOf(visit), message: 'must be a finite number' };
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, key: i, parent: visit }));
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        const child: Visit = { value: item, key, parent: visit };
        if (!isStorableText(key)) return { path: pathOf(child), message: `keys ${UNSTORABLE_MESSAGE}` };
        stack.push(child);
      }
    }
  }
  return null;
}

/** A document's metadata: any JSON object up to this many bytes (UTF-8 of its JSON). */
export const METADATA_MAX_BYTES = 4 * 1024;

/** Whether `value` is at most `max` bytes of JSON; nesting too deep to write out is not. */
function withinBytes(value: unknown, max: number): boolean {
  try {
    return Buffer.byteLength(JSON.stringify(value)) <= max;
  } catch {
    return false;
  }
}

/** A document's `metadata`, as the open sends it and as session.created carries it to its `jsonb` column. */
export const metadataSchema = z
  .record(z.string(), z.unknown())
  .superRefine((m, ctx) => {
    const problem = jsonProblemIn(m);
    if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    else if (!withinBytes(m, METADATA_MAX_BYTES)) {
      ctx.addIssue({ code: 'custom', message: 'metadata must be at most 4 KiB of JSON' });
    }
  })
  .meta({
    description: 'Any JSON object up to 4 KiB, echoed in events and callbacks.',
    example: { any: 'json up to 4 KiB, echoed in events and callbacks' },
  });

/** The longest document name, external id and content type (what session.created carries). */
export const DOCUMENT_TEXT_MAX = 255;

export const documentNameSchema = storableText(DOCUMENT_TEXT_MAX).min(1);
export const externalIdSchema = storableText(DOCUMENT_TEXT_MAX).min(1);
export const contentTypeSchema = storableText(DOCUMENT_TEXT_MAX).min(1);
