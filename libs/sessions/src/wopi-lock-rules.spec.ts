import { decideLock, putFileLockConflict } from './wopi-lock-rules';

describe('decideLock', () => {
  it('locks an unlocked file, and locking again with the same id succeeds and refreshes it', () => {
    expect(decideLock('lock', null, 'A', undefined)).toEqual({
      ok: true,
      change: { kind: 'set', lockId: 'A' },
      reported: 'A',
    });
    expect(decideLock('lock', 'A', 'A', undefined)).toEqual({
      ok: true,
      change: { kind: 'set', lockId: 'A' },
      reported: 'A',
    });
  });

  it('refuses every operation naming another lock, reporting the lock held', () => {
    for (const op of ['lock', 'refresh', 'unlock'] as const) {
      expect(decideLock(op, 'A', 'B', undefined)).toEqual({ ok: false, change: { kind: 'keep' }, reported: 'A' });
    }
    expect(decideLock('relock', 'A', 'C', 'B')).toEqual({ ok: false, change: { kind: 'keep' }, reported: 'A' });
  });

  it('reports an empty lock for refresh, unlock and relock of an unlocked file', () => {
    for (const op of ['refresh', 'unlock'] as const) {
      expect(decideLock(op, null, 'A', undefined)).toEqual({ ok: false, change: { kind: 'keep' }, reported: '' });
    }
    expect(decideLock('relock', null, 'B', 'A')).toEqual({ ok: false, change: { kind: 'keep' }, reported: '' });
  });

  it('unlocks, refreshes and relocks with the lock held', () => {
    expect(decideLock('unlock', 'A', 'A', undefined)).toEqual({ ok: true, change: { kind: 'clear' }, reported: '' });
    expect(decideLock('refresh', 'A', 'A', undefined).change).toEqual({ kind: 'set', lockId: 'A' });
    expect(decideLock('relock', 'A', 'B', 'A')).toEqual({
      ok: true,
      change: { kind: 'set', lockId: 'B' },
      reported: 'B',
    });
  });

  it('answers the lock held to get_lock, and requires a lock id for the others', () => {
    expect(decideLock('get', 'A', undefined, undefined)).toEqual({ ok: true, change: { kind: 'keep' }, reported: 'A' });
    expect(decideLock('get', null, undefined, undefined).reported).toBe('');
    expect(() => decideLock('lock', null, undefined, undefined)).toThrow('X-WOPI-Lock');
    expect(() => decideLock('relock', 'A', 'B', undefined)).toThrow('X-WOPI-OldLock');
  });
});

describe('putFileLockConflict', () => {
  it('saves with the lock held, or without a lock into an empty file only', () => {
    expect(putFileLockConflict('A', 'A', 10)).toBeNull();
    expect(putFileLockConflict(null, null, 0)).toBeNull();
    expect(putFileLockConflict(null, 'A', 0)).toBeNull();
  });

  it('reports the lock held, or an empty one for a non-empty unlocked file', () => {
    expect(putFileLockConflict('A', 'B', 10)).toBe('A');
    expect(putFileLockConflict('A', null, 0)).toBe('A');
    expect(putFileLockConflict(null, 'A', 10)).toBe('');
  });
});
