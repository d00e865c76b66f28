import { DomainError, ErrorCode } from '@docsession/contracts';

/** The member whose value is the document, decoded as it streams. */
export const CONTENT_MEMBER = 'content_base64';

const invalidJson = () => new DomainError(ErrorCode.InvalidRequest, 'The request body is not valid JSON.');
const invalidBase64 = () => new DomainError(ErrorCode.InvalidRequest, 'content_base64 is not valid base64.');

const enum State {
  Start,
  KeyOrEnd,
  Key,
  Colon,
  Value,
  Content,
  Raw,
  AfterValue,
  Next,
  End,
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Base64 characters, and '=' (padding), by byte. */
const BASE64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64[c.charCodeAt(0)] = 1;
const PADDING = 0x3d;
/** Characters a JSON escape inside content_base64 may stand for and that are skipped, as the
 * old whole-string decoding skipped every `\s`: line breaks, tabs, form feeds, spaces. */
const ESCAPED_WHITESPACE = new Set([0x6e, 0x72, 0x74, 0x66]); // n r t f
/** Decoded this many base64 characters at a time (a multiple of 4): 48 KiB of bytes. */
const DECODE_CHARS = 64 * 1024;

export interface JsonOpenLimits {
  /** Bytes of everything but content_base64's value (over it: 413). */
  optionsBytes: number;
}

/**
 * A streaming reader of the JSON open's body: one JSON object whose `content_base64` string
 * is decoded piece by piece as it arrives and handed to `onContent`, so no copy of the whole
 * document (its base64 text, the parsed string, a whitespace-free copy, the decoded buffer)
 * is ever held. Every other member is kept as its JSON text, bounded by `optionsBytes`, and
 * parsed with JSON.parse at the end, so its values have JSON's own rules. Base64 is checked
 * as the old whole-string decoding checked it: the alphabet, `=` padding only at the end,
 * a length (without whitespace) that is a multiple of 4; spaces and escaped line breaks,
 * tabs and form feeds are skipped.
 */
export class JsonOpenBody {
  private state = State.Start;
  /** The other members as JSON text: `"key":value` each. */
  private readonly members: Buffer[] = [];
  private current: Buffer[] = [];
  private keptBytes = 0;
  private key: Buffer[] = [];
  private escape = false;
  private depth = 0;
  private inString = false;
  private sawContent = false;
  private base64: Buffer = Buffer.alloc(DECODE_CHARS + 4);
  private base64Length = 0;
  private base64Chars = 0;
  private padding = 0;
  /** In a `\uXXXX` escape inside the content: the hex digits seen so far. */
  private unicode: string | null = null;

  constructor(
    private readonly limits: JsonOpenLimits,
    private readonly onContent: (bytes: Buffer) => void,
  ) {}

  /** Whether the body had a content_base64 string (an empty one too). */
  get hasContent(): boolean {
    return this.sawContent;
  }

  /** Feeds the next bytes of the body; throws the contract's 400 or 413 as soon as they are wrong. */
  write(chunk: Buffer): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      switch (this.state) {
        case State.Start:
          if (WHITESPACE.has(b)) break;
          if (b !== 0x7b) throw invalidJson(); // {
          this.state = State.KeyOrEnd;
          break;
        case State.KeyOrEnd:
        case State.Next:
          if (WHITESPACE.has(b)) break;
          if (b === 0x7d && this.state === State.KeyOrEnd)
            this.state = State.End; // }
          else if (b === QUOTE) {
            this.state = State.Key;
            this.key = [];
            this.escape = false;
          } else throw invalidJson();
          break;
        case State.Key: {
          // Collected up to its closing quote (escapes included), then read by JSON.parse.
          let end = i;
          while (end < chunk.length && (this.escape || chunk[end] !== QUOTE)) {
            this.escape = !this.escape && chunk[end] === BACKSLASH;
            end++;
          }
          this.keep(chunk.subarray(i, end), this.key);
          i = end;
          if (end < chunk.length) this.state = State.Colon;
          break;
        }
        case State.Colon:
          if (WHITESPACE.has(b)) break;
          if (b !== 0x3a) throw invalidJson(); // :
          this.state = State.Value;
          break;
        case State.Value:
          if (WHITESPACE.has(b)) break;
          if (b === QUOTE && this.keyText() === CONTENT_MEMBER) {
            if (this.sawContent) throw new DomainError(ErrorCode.InvalidRequest, 'Send content_base64 once.');
            this.sawContent = true;
            this.state = State.Content;
            break;
          }
          this.current = [Buffer.concat(this.key)];
          this.depth = 0;
          this.inString = false;
          this.escape = false;
          this.state = State.Raw;
          i = this.raw(chunk, i) - 1;
          break;
        case State.Raw:
          i = this.raw(chunk, i) - 1;
          break;
        case State.Content: {
          // The bulk of the body: a run of plain base64 characters, copied in one go.
          let end = i;
          if (!this.escape && this.unicode === null) while (end < chunk.length && BASE64[chunk[end]] === 1) end++;
          if (end === i) {
            this.content(b);
            break;
          }
          if (this.padding) throw invalidBase64();
          this.appendBase64(chunk, i, end);
          i = end - 1;
          break;
        }
        case State.AfterValue:
          if (WHITESPACE.has(b)) break;
          if (b === 0x2c)
            this.state = State.Next; // ,
          else if (b === 0x7d)
            this.state = State.End; // }
          else throw invalidJson();
          break;
        case State.End:
          if (!WHITESPACE.has(b)) throw invalidJson();
          break;
      }
    }
  }

  /** The end of the body: the other members, parsed (content_base64 is not among them when it was a string). */
  end(): Record<string, unknown> {
    if (this.state !== State.End) throw invalidJson();
    try {
      return JSON.parse(`{${this.members.map((m) => m.toString('utf8')).join(',')}}`) as Record<string, unknown>;
    } catch {
      throw invalidJson();
    }
  }

  private keyText(): string {
    try {
      return JSON.parse(`"${Buffer.concat(this.key).toString('utf8')}"`) as string;
    } catch {
      throw invalidJson();
    }
  }

  /**
   * Reads a member's raw value from `chunk[from]` on; answers where it stopped: at the end of
   * the chunk, or just after the value (a closing quote or bracket) or at the byte that ends a
   * number or literal, which is then read again as what follows the value.
   */
  private raw(chunk: Buffer, from: number): number {
    let i = from;
    let done = false;
    for (; i < chunk.length && !done; i++) {
      const b = chunk[i];
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (b === BACKSLASH) this.escape = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.depth === 0) done = true;
        }
      } else if (b === QUOTE) this.inString = true;
      else if (b === 0x7b || b === 0x5b) this.depth++;
      else if (b === 0x7d || b === 0x5d) {
        if (this.depth === 0) break; // a literal ended by the object's closing brace
        if (--this.depth === 0) done = true;
      } else if (this.depth === 0 && (b === 0x2c || WHITESPACE.has(b))) break; // after a number or literal
    }
    this.keep(chunk.subarray(from, i), this.current);
    if (done || i < chunk.length) {
      const [key, ...value] = this.current;
      this.members.push(Buffer.concat([Buffer.from('"'), key, Buffer.from('":'), ...value]));
      this.state = State.AfterValue;
    }
    return i;
  }

  private keep(bytes: Buffer, into: Buffer[]): void {
    this.keptBytes += bytes.length;
    if (this.keptBytes > this.limits.optionsBytes) {
      throw new DomainError(
        ErrorCode.PayloadTooLarge,
        `The options around content_base64 are larger than ${this.limits.optionsBytes} bytes.`,
      );
    }
    // A copy: the chunk it came from is not held on to.
    into.push(Buffer.from(bytes));
  }

  private content(b: number): void {
    if (this.unicode !== null) return this.unicodeEscape(b);
    if (this.escape) {
      this.escape = false;
      if (ESCAPED_WHITESPACE.has(b)) return;
      if (b === 0x2f) return this.base64Char(0x2f); // \/
      if (b === 0x75) return void (this.unicode = ''); // \u
      throw invalidBase64();
    }
    if (b === QUOTE) return this.finishContent();
    if (b === BACKSLASH) return void (this.escape = true);
    if (b === 0x20) return; // a space: skipped
    if (b < 0x20) throw invalidJson(); // a raw control character in a JSON string
    this.base64Char(b);
  }

  private unicodeEscape(b: number): void {
    this.unicode += String.fromCharCode(b);
    if (this.unicode!.length < 4) return;
    if (!/^[0-9a-fA-F]{4}$/.test(this.unicode!)) throw invalidJson();
    const code = parseInt(this.unicode!, 16);
    this.unicode = null;
    if (/\s/.test(String.fromCharCode(code))) return;
    if (code > 0x7f) throw invalidBase64();
    this.base64Char(code);
  }

  private base64Char(b: number): void {
    if (b === PADDING) {
      if (++this.padding > 2) throw invalidBase64();
    } else if (!BASE64[b] || this.padding) throw invalidBase64();
    this.base64Chars++;
    this.base64[this.base64Length++] = b;
    if (this.base64Length >= DECODE_CHARS) this.decode(DECODE_CHARS);
  }

  private appendBase64(chunk: Buffer, from: number, to: number): void {
    while (from < to) {
      const n = Math.min(to - from, DECODE_CHARS - this.base64Length);
      chunk.copy(this.base64, this.base64Length, from, from + n);
      this.base64Length += n;
      this.base64Chars += n;
      from += n;
      if (this.base64Length >= DECODE_CHARS) this.decode(DECODE_CHARS);
    }
  }

  private decode(chars: number): void {
    if (chars === 0) return;
    this.onContent(Buffer.from(this.base64.toString('latin1', 0, chars), 'base64'));
    this.base64.copy(this.base64, 0, chars, this.base64Length);
    this.base64Length -= chars;
  }

  private finishContent(): void {
    if (this.base64Chars % 4 !== 0) throw invalidBase64();
    this.decode(this.base64Length);
    this.state = State.AfterValue;
  }
}
