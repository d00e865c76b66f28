import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/*
 * A stand-in WOPI client (an editor server), written from the protocol documentation rather
 * than from docsession's code: it serves a discovery XML with RSA proof keys of its own, signs
 * its WOPI requests as Microsoft's "proof keys" page describes, and, when a host page posts its
 * form to the editor's urlsrc, plays Collabora: it opens the file through WOPI from the server
 * side and renders a frame that speaks the PostMessage API.
 */

interface KeyPair {
  privateKey: KeyObject;
  modulus: string;
  exponent: string;
}

function rsaKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    privateKey,
    modulus: Buffer.from(jwk.n!, 'base64url').toString('base64'),
    exponent: Buffer.from(jwk.e!, 'base64url').toString('base64'),
  };
}

/** .NET DateTime ticks: 100 ns units since 0001-01-01T00:00:00Z. */
export const dotNetTicks = (ms: number) => BigInt(ms) * 10_000n + 621_355_968_000_000_000n;

/** The signed bytes: 4-byte big-endian length + value, for the token, the upper-cased URL and the 8-byte ticks. */
function expectedProof(token: string, url: string, ticks: bigint): Buffer {
  const withLength = (value: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeInt32BE(value.length);
    return Buffer.concat([length, value]);
  };
  const time = Buffer.alloc(8);
  time.writeBigInt64BE(ticks);
  return Buffer.concat([
    withLength(Buffer.from(token, 'utf8')),
    withLength(Buffer.from(url.toUpperCase(), 'utf8')),
    withLength(time),
  ]);
}

export interface ProofOptions {
  /** Which key signs X-WOPI-Proof: the current one (default), the old one, or one discovery never published. */
  proofKey?: 'current' | 'old' | 'stranger' | 'none';
  /** Which key signs X-WOPI-ProofOld (default: none sent). */
  proofOldKey?: 'current' | 'old' | 'stranger';
  /** When the request claims it was signed (default: now). */
  atMs?: number;
}

export interface WopiAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** What the stand-in editor did when a host page opened it. */
export interface EditorVisit {
  wopiSrc: string;
  accessToken: string;
  accessTokenTtl: string;
  statuses: Record<string, number>;
  fileInfo: any;
  contentBefore: string;
  savedVersion: string | null;
}

export class StandInEditor {
  private keys = { current: rsaKeyPair(), old: rsaKeyPair() };
  private readonly stranger = rsaKeyPair();
  discoveryFetches = 0;
  /** False: discovery answers 503 (the editor is down). */
  up = true;
  readonly visits: EditorVisit[] = [];
  /** What the frame's PutFile appends to the document. */
  edit = ' (edited in the stand-in editor)';

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<StandInEditor> {
    let editor: StandInEditor | undefined;
    const server = createServer((req, res) => void editor!.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    editor = new StandInEditor(server, `http://127.0.0.1:${port}`);
    return editor;
  }

  get discoveryUrl(): string {
    return `${this.origin}/hosting/discovery`;
  }

  get urlsrc(): string {
    return `${this.origin}/browser/dist/cool.html?`;
  }

  /** A key rotation: the current key becomes the old one, and a new key signs from now on. */
  rotate(): void {
    this.keys = { current: rsaKeyPair(), old: this.keys.current };
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server.closeAllConnections();
      this.server.close(() => r());
    });
  }

  /** Proof headers for a request to `url` (the full URL, query included) with `token`. */
  proofHeaders(url: string, token: string, options: ProofOptions = {}): Record<string, string> {
    const ticks = dotNetTicks(options.atMs ?? Date.now());
    const data = expectedProof(token, url, ticks);
    const keyOf = (which: 'current' | 'old' | 'stranger') =>
      which === 'stranger' ? this.stranger.privateKey : this.keys[which].privateKey;
    const headers: Record<string, string> = { 'X-WOPI-TimeStamp': ticks.toString() };
    const proofKey = options.proofKey ?? 'current';
    if (proofKey !== 'none') headers['X-WOPI-Proof'] = sign('sha256', data, keyOf(proofKey)).toString('base64');
    if (options.proofOldKey)
      headers['X-WOPI-ProofOld'] = sign('sha256', data, keyOf(options.proofOldKey)).toString('base64');
    return headers;
  }

  /** One signed WOPI request to `wopiSrc` (+ `path`), the way an editor server sends it. */
  async call(
    wopiSrc: string,
    token: string,
    init: { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
    proof: ProofOptions = {},
  ): Promise<WopiAnswer> {
    const url = `${wopiSrc}${init.path ?? ''}?access_token=${encodeURIComponent(token)}`;
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { ...this.proofHeaders(url, token, proof), ...init.headers },
      body: init.body,
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: GetFile's bytes
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  discoveryXml(): string {
    const { current, old } = this.keys;
    const action = (name: string, ext: string) =>
      `<action name="${name}" ext="${ext}" urlsrc="${this.urlsrc.replace(/&/g, '&amp;')}&lt;ui=UI_LLCC&amp;&gt;"/>`;
    return `<?xml version="1.0" encoding="utf-8"?>
<wopi-discovery>
  <net-zone name="external-http">
    <app name="writer">${action('edit', 'docx')}${action('view', 'docx')}${action('edit', 'odt')}</app>
    <app name="calc">${action('edit', 'xlsx')}${action('view', 'xlsx')}</app>
    <app name="draw">${action('view', 'pdf')}</app>
  </net-zone>
  <proof-key modulus="${current.modulus}" exponent="${current.exponent}" oldmodulus="${old.modulus}" oldexponent="${old.exponent}"/>
</wopi-discovery>`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    if (req.method === 'GET' && url.pathname === '/hosting/discovery') {
      this.discoveryFetches++;
      if (!this.up) return void res.writeHead(503).end();
      return void res.writeHead(200, { 'content-type': 'text/xml' }).end(this.discoveryXml());
    }
    if (req.method === 'POST' && url.pathname === '/browser/dist/cool.html') {
      const form = new URLSearchParams(await bodyOf(req));
      const html = await this.open(url.searchParams.get('WOPISrc') ?? '', form);
      return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    }
    res.writeHead(404).end();
  }

  /** What Collabora's server does when a frame opens a file: CheckFileInfo, LOCK, GetFile, then (here) a save. */
  private async open(wopiSrc: string, form: URLSearchParams): Promise<string> {
    const token = form.get('access_token') ?? '';
    const visit: EditorVisit = {
      wopiSrc,
      accessToken: token,
      accessTokenTtl: form.get('access_token_ttl') ?? '',
      statuses: {},
      fileInfo: null,
      contentBefore: '',
      savedVersion: null,
    };
    this.visits.push(visit);
    const info = await this.call(wopiSrc, token);
    visit.statuses.checkFileInfo = info.status;
    visit.fileInfo = info.json;
    const lockId = randomBytes(8).toString('hex');
    const lock = await this.call(wopiSrc, token, {
      method: 'POST',
      headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': lockId },
    });
    visit.statuses.lock = lock.status;
    const file = await this.call(wopiSrc, token, { path: '/contents' });
    visit.statuses.getFile = file.status;
    visit.contentBefore = file.text;
    if (info.json?.UserCanWrite) {
      const put = await this.call(wopiSrc, token, {
        method: 'POST',
        path: '/contents',
        headers: {
          'X-WOPI-Override': 'PUT',
          'X-WOPI-Lock': lockId,
          'X-COOL-WOPI-Timestamp': info.json.LastModifiedTime,
          'X-COOL-WOPI-IsModifiedByUser': 'true',
          'X-COOL-WOPI-IsAutosave': 'false',
          'X-COOL-WOPI-IsExitSave': 'false',
          'content-type': 'application/octet-stream',
        },
        body: file.text + this.edit,
      });
      visit.statuses.putFile = put.status;
      visit.savedVersion = put.headers.get('x-wopi-itemversion');
    }
    const origin = JSON.stringify(info.json?.PostMessageOrigin ?? '');
    return `<!doctype html><html><body><h1 id="editor-title">${escape(info.json?.BaseFileName ?? '')}</h1>
<button id="close" type="button">Close</button>
<script>
  var origin = ${origin};
  function post(id, values) {
    parent.postMessage(JSON.stringify({ MessageId: id, SendTime: Date.now(), Values: values }), origin);
  }
  post('App_LoadingStatus', { Status: 'Frame_Ready' });
  post('App_LoadingStatus', { Status: 'Document_Loaded', DocumentLoadedTime: Date.now() });
  window.addEventListener('message', function (e) {
    if (e.origin !== origin) return;
    var data = JSON.parse(e.data);
    if (data.MessageId === 'Host_PostmessageReady') document.body.setAttribute('data-host-ready', 'true');
  });
  document.getElementById('close').addEventListener('click', function () { post('UI_Close', {}); });
</script></body></html>`;
  }
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
