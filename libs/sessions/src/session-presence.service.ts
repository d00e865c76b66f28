import { DomainError, ErrorCode } from '@docsession/contracts';
import { Logger } from '@nestjs/common';
import type { PresenceJobs } from './presence-jobs';
import type { PresenceStore, TokenSession } from './presence-store';
import { isOpen } from './rows';
import type { SessionService } from './session.service';

export interface PresenceSettings {
  idleTimeoutSeconds: number;
  closeGraceSeconds: number;
}

/** How often a check looks again when a sign of life races its close; then it waits a full period. */
const RACE_RETRIES = 3;

/**
 * Whether a session's page is still there: heartbeats and close beacons, and the
 * two checks that end a session when the page went away.
 *
 * Loading the page (`GET`/`HEAD /s/{token}`) changes nothing: a link scanner or a chat preview
 * fetches it too. The page's script reports in with its first heartbeat, which marks the
 * session `active` and starts the idle clock.
 *
 * Idle: a session's first heartbeat adds one delayed job (`idle-<sessionId>`) due IDLE_TIMEOUT
 * later. Later heartbeats (and WOPI requests) only write `last_seen_at`. When the job runs it reads `last_seen_at`; if the page
 * was seen since, the job delays itself to `last_seen_at + IDLE_TIMEOUT` (one Redis write per
 * idle period, not per heartbeat); otherwise it closes the session (`idle_timeout`).
 *
 * Close: a beacon writes `closing_requested_at` and adds a job due CLOSE_GRACE later. A
 * heartbeat (a reloaded page sends one at once) clears the column, so a reload keeps the session; when the job runs and the request
 * still stands and is old enough, it closes the session (`closed_by_user`).
 *
 * Both closes go through SessionService (content removal, events) with a condition checked
 * under the document lock, so a heartbeat that races the check still wins.
 */
export class SessionPresence {
  private readonly logger = new Logger(SessionPresence.name);

  constructor(
    private readonly store: PresenceStore,
    private readonly sessions: SessionService,
    private readonly jobs: PresenceJobs,
    private readonly settings: PresenceSettings,
  ) {}

  /** `POST /s/{token}/heartbeat`: a sign of life; the first one opens the session and starts its idle clock. */
  async heartbeat(tokenHash: string): Promise<void> {
    const found = await this.storedFirst(tokenHash, () => this.store.touchByToken(tokenHash));
    assertOpen(found);
    if (found.status !== 'inactive' || !(await this.sessions.markActive(found.id))) return;
    try {
      await this.jobs.armIdle(found.id, this.settings.idleTimeoutSeconds * 1000);
    } catch (err) {
      // The page works without it; the session then ends at its expiry.
      this.logger.warn(`Idle check of ${found.id} not scheduled: ${(err as Error).message}`);
    }
  }

  /** `POST /s/{token}/close`: the close beacon. The session ends after the grace unless the page comes back. */
  async requestClose(tokenHash: string): Promise<void> {
    const found = await this.storedFirst(tokenHash, () => this.store.requestClose(tokenHash));
    assertOpen(found);
    if (!found?.requestedAt) throw gone();
    await this.jobs.armCloseGrace(found.id, found.requestedAt.getTime(), this.settings.closeGraceSeconds * 1000);
  }

  /**
   * Read-your-writes for the page's beacons: the page's first heartbeat comes at once after it
   * loads, and may well beat the consumer to a session just opened. When `act` finds no session
   * for the token, the open the gateway recorded under it (if any) is stored, and `act` runs again.
   */
  private async storedFirst<T>(tokenHash: string, act: () => Promise<T | null>): Promise<T | null> {
    const found = await act();
    if (found) return found;
    // Again either way: the consumer may have stored it meanwhile.
    await this.sessions.storePendingOpen(tokenHash);
    return act();
  }

  /** The idle job. Null when it is done; otherwise when (ms since the epoch) to look again. */
  async checkIdle(sessionId: string): Promise<number | null> {
    const idleMs = this.settings.idleTimeoutSeconds * 1000;
    for (let look = 0; look < RACE_RETRIES; look++) {
      const p = await this.store.presence(sessionId);
      if (!p || p.status !== 'active') return null; // ended, or never opened (no idle timeout then)
      const remainingMs = p.lastSeenAt.getTime() + idleMs - p.now.getTime();
      if (remainingMs > 0) return Date.now() + remainingMs;
      const closed = await this.sessions.closeIf(sessionId, 'idle_timeout', {
        idleForSeconds: this.settings.idleTimeoutSeconds,
      });
      if (closed) return null;
    }
    return Date.now() + idleMs;
  }

  /** The close-grace job. Null when it is done; otherwise when to look again. */
  async checkCloseRequest(sessionId: string): Promise<number | null> {
    const graceMs = this.settings.closeGraceSeconds * 1000;
    for (let look = 0; look < RACE_RETRIES; look++) {
      const p = await this.store.presence(sessionId);
      if (!p || !isOpen(p.status) || !p.closingRequestedAt) return null; // ended, or the page came back
      const remainingMs = p.closingRequestedAt.getTime() + graceMs - p.now.getTime();
      // A later beacon moved the deadline (its own job runs then too; closing twice is harmless).
      if (remainingMs > 0) return Date.now() + remainingMs;
      const closed = await this.sessions.closeIf(sessionId, 'closed_by_user', {
        closeRequestedSecondsAgo: this.settings.closeGraceSeconds,
      });
      if (closed) return null;
    }
    return null;
  }
}

const gone = () => new DomainError(ErrorCode.Gone, 'This session has ended.');

function assertOpen(found: TokenSession | null): asserts found is TokenSession {
  if (!found) throw new DomainError(ErrorCode.NotFound, 'No such session.');
  if (!isOpen(found.status)) throw gone();
}
