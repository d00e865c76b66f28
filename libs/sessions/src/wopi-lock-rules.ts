import { DomainError, ErrorCode, type WopiLockOperation } from '@docsession/contracts';

/** What a lock operation does to the document's lock: nothing, (re)set it with a fresh expiry, or remove it. */
export type LockChange = { kind: 'keep' } | { kind: 'set'; lockId: string } | { kind: 'clear' };

export interface LockDecision {
  ok: boolean;
  change: LockChange;
  /** The `X-WOPI-Lock` to answer: the lock now held on success, the conflicting one ('' when none) on a mismatch. */
  reported: string;
}

const mismatch = (held: string | null): LockDecision => ({ ok: false, change: { kind: 'keep' }, reported: held ?? '' });

/**
 * The WOPI lock rules (Lock, UnlockAndRelock, Unlock, RefreshLock, GetLock), given the lock held
 * now (`null`: none, or an expired one). Locking again with the lock already held is a success
 * that restarts its 30 minutes; anything that names a lock other than the one held is a
 * mismatch, reported with the lock held.
 */
export function decideLock(
  operation: WopiLockOperation,
  held: string | null,
  lock: string | undefined,
  oldLock: string | undefined,
): LockDecision {
  if (operation === 'get') return { ok: true, change: { kind: 'keep' }, reported: held ?? '' };
  if (!lock) throw new DomainError(ErrorCode.InvalidRequest, 'X-WOPI-Lock is required.');
  switch (operation) {
    case 'lock':
      return held === null || held === lock
        ? { ok: true, change: { kind: 'set', lockId: lock }, reported: lock }
        : mismatch(held);
    case 'relock':
      if (!oldLock) throw new DomainError(ErrorCode.InvalidRequest, 'X-WOPI-OldLock is required.');
      return held === oldLock ? { ok: true, change: { kind: 'set', lockId: lock }, reported: lock } : mismatch(held);
    case 'refresh':
      return held === lock ? { ok: true, change: { kind: 'set', lockId: lock }, reported: lock } : mismatch(held);
    case 'unlock':
      return held === lock ? { ok: true, change: { kind: 'clear' }, reported: '' } : mismatch(held);
  }
}

/**
 * PutFile's lock rule: the request's lock must be the one held; with no lock held, only an empty
 * file may be written (a new document). Null when the save may go on, else the lock to report.
 */
export function putFileLockConflict(held: string | null, requested: string | null, sizeBytes: number): string | null {
  if (held === null) return sizeBytes === 0 ? null : '';
  return requested === held ? null : held;
}
