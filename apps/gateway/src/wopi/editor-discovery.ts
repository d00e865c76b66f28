import type { SessionMode } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EditorFrame } from '../page/editor-page';
import { editorUrl, parseDiscovery, type Discovery } from './discovery-xml';
import type { ProofKeys } from './proof-keys';
import { wopiBaseUrl } from './wopi-base-url';

/** An editor action for one document: where the frame goes, and whether it edits. */
export interface EditorAction {
  action: 'edit' | 'view';
  urlsrc: string;
  /** The editor's origin, the only one the host page frames, posts forms to and hears messages from. */
  origin: string;
}

/**
 * The editor's discovery XML, as this gateway last read it. Fetched at start (bounded by
 * EDITOR_DISCOVERY_TIMEOUT_MS, so start-up never waits long), again every
 * EDITOR_DISCOVERY_REFRESH_SECONDS, and at once when a proof fails to verify (the editor may
 * have rotated its key), at most once per EDITOR_DISCOVERY_RETRY_SECONDS so that bad proofs
 * cannot make the gateway hammer the editor. An editor that is down is a warning, never an
 * unready gateway: pages keep the built-in view until a fetch succeeds, retried every
 * EDITOR_DISCOVERY_RETRY_SECONDS; a discovery read once is kept through later failures.
 */
@Injectable()
export class EditorDiscovery implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EditorDiscovery.name);
  private discovery: Discovery | null = null;
  private timer: NodeJS.Timeout | undefined;
  private fetching: Promise<boolean> | null = null;
  private lastProofRefetchAt = 0;
  private stopped = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Whether an editor is configured at all (then WOPI requests must carry proofs once its keys are known). */
  get configured(): boolean {
    return this.config.EDITOR_DISCOVERY_URL !== undefined;
  }

  async onModuleInit(): Promise<void> {
    if (this.configured) await this.refresh();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** The action for a document by its name's extension: `view` for view mode when there is one, else `edit` (and the reverse). */
  actionFor(fileName: string, mode: SessionMode): EditorAction | null {
    const dot = fileName.lastIndexOf('.');
    if (!this.discovery || dot < 0) return null;
    const actions = this.discovery.actions.get(fileName.slice(dot + 1).toLowerCase());
    if (!actions) return null;
    const order = mode === 'edit' ? (['edit', 'view'] as const) : (['view', 'edit'] as const);
    for (const action of order) {
      const urlsrc = actions[action];
      if (urlsrc) return { action, urlsrc, origin: new URL(urlsrc).origin };
    }
    return null;
  }

  /**
   * The editor frame for a document, or null when the editor does not handle it: the action's
   * urlsrc with WOPISrc (the same for every session of the document, so the editor joins its
   * co-editors in one editing session) and `closebutton=1` (Collabora then shows a Close button
   * that posts UI_Close).
   */
  frameFor(documentId: string, fileName: string, mode: SessionMode): EditorFrame | null {
    const found = this.actionFor(fileName, mode);
    if (!found) return null;
    const wopiSrc = `${wopiBaseUrl(this.config)}/wopi/files/${documentId}`;
    return { action: found.action, origin: found.origin, url: editorUrl(found.urlsrc, wopiSrc, { closebutton: '1' }) };
  }

  /** The proof keys; `unknown` while no discovery was read (requests cannot be trusted then). */
  proofKeys(): ProofKeys | null | 'unknown' {
    return this.discovery ? this.discovery.proofKeys : 'unknown';
  }

  /** After a proof failed: fetch again now unless that was done very recently. True if the keys changed. */
  async refetchAfterFailedProof(): Promise<boolean> {
    if (!this.configured) return false;
    const now = Date.now();
    if (now - this.lastProofRefetchAt < this.config.EDITOR_DISCOVERY_RETRY_SECONDS * 1000) return false;
    this.lastProofRefetchAt = now;
    const before = this.discovery?.proofKeys ?? null;
    await this.refresh();
    const after = this.discovery?.proofKeys ?? null;
    return !sameKeys(before, after);
  }

  /** One fetch at a time; the next one is scheduled from its outcome. */
  private refresh(): Promise<boolean> {
    this.fetching ??= this.fetchOnce().finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  private async fetchOnce(): Promise<boolean> {
    const url = this.config.EDITOR_DISCOVERY_URL!;
    let ok = false;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.config.EDITOR_DISCOVERY_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this.discovery = parseDiscovery(await res.text());
      ok = true;
    } catch (err) {
      const kept = this.discovery ? 'keeping the one read before' : 'documents get the built-in page meanwhile';
      this.logger.warn(`Editor discovery ${url} could not be read (${(err as Error).message}); ${kept}`);
    }
    this.schedule(ok ? this.config.EDITOR_DISCOVERY_REFRESH_SECONDS : this.config.EDITOR_DISCOVERY_RETRY_SECONDS);
    return ok;
  }

  private schedule(seconds: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), seconds * 1000);
    this.timer.unref();
  }
}

function sameKeys(a: ProofKeys | null, b: ProofKeys | null): boolean {
  const der = (k: ProofKeys['current'] | null | undefined) =>
    k?.export({ type: 'spki', format: 'der' }).toString('hex');
  return der(a?.current) === der(b?.current) && der(a?.old) === der(b?.old);
}
