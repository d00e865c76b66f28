import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { gatewayUrl } from './api';

export type ZohoProductName = 'writer' | 'sheet' | 'show';

/** An SDK object: its class name and the fields the SDK parsed (a Long is `{ $long: '<digits>' }`). */
export type SdkObject = { class: string } & Record<string, any>;

export interface SdkAnswer {
  statusCode?: number;
  object?: SdkObject | null;
  /** What the SDK threw, if it threw. */
  thrown?: string;
}

/** A request to the driver: an operation of the SDK and what to set on its parameters. */
export interface SdkRequest {
  op:
    | 'create'
    | 'preview'
    | 'getSession'
    | 'deleteSession'
    | 'deleteDocument'
    | 'getDocumentInfo'
    | 'getAllSessions'
    | 'getPlanDetails';
  product?: ZohoProductName;
  /** The session or document id the operation is about. */
  target?: string;
  file?: string;
  url?: string;
  documentInfo?: { documentId?: string; documentName?: string };
  userInfo?: { userId?: string; displayName?: string };
  permissions?: Record<string, boolean>;
  callbackSettings?: Record<string, unknown>;
  editorSettings?: { unit: string; language: string; view: string };
  uiOptions?: { darkMode: string; saveButton: string };
  documentDefaults?: { fontName: string; fontSize: number };
}

const DRIVER = resolve(__dirname, 'zoho-sdk-driver.mjs');

/**
 * Zoho's official Node SDK, initialised with one apikey and pointed at a test gateway,
 * in a child process (zoho-sdk-driver.mjs): the SDK is an ES module with one global
 * initialisation, which Jest's CommonJS runtime cannot load.
 */
export class ZohoSdk {
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: SdkAnswer) => void>();
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const { id, ...answer } = JSON.parse(line) as SdkAnswer & { id: number };
      this.waiting.get(id)?.(answer);
      this.waiting.delete(id);
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.on('exit', (code) => {
      for (const done of this.waiting.values()) done({ thrown: `driver exited (${code}): ${this.stderr}` });
      this.waiting.clear();
    });
  }

  /** `openGateway`: the gateway that may import from loopback addresses (URL imports from a test server). */
  static start(apikey: string, options: { openGateway?: boolean } = {}): ZohoSdk {
    const child = spawn(process.execPath, [DRIVER, gatewayUrl(options.openGateway), apikey], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new ZohoSdk(child);
  }

  call(request: SdkRequest): Promise<SdkAnswer> {
    const id = this.nextId++;
    if (this.child.exitCode !== null) return Promise.resolve({ thrown: `driver exited: ${this.stderr}` });
    return new Promise((done) => {
      this.waiting.set(id, done);
      this.child.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  /** The object of a call that the SDK answered; fails the test with what it threw otherwise. */
  async object(request: SdkRequest): Promise<SdkObject> {
    const answer = await this.call(request);
    if (answer.thrown) throw new Error(`the SDK threw: ${answer.thrown}`);
    if (!answer.object) throw new Error(`no object in an answer with status ${answer.statusCode}`);
    return answer.object;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.stdin.end();
    await exited;
  }
}

/** A Long the SDK parsed, as a number. */
export const long = (value: { $long: string }): number => Number(value.$long);
