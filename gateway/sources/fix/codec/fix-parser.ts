/**
 * A pure byte-level FIX tag=value framer in the style of nats.js's `parser.ts`: bytes go in through
 * `parse(chunk)`, whole frames come out through the callbacks, and nothing here touches a socket.
 * It checks what the FIX 4.4 transport rules (FIX 4.4 Vol. 2, "Message format", "Garbled messages")
 * make the frame's business: BeginString (8) first (`FIX...`; which version is the session's business), BodyLength (9) second and correct, CheckSum (10)
 * last with the right modulo-256 sum. Anything else is a garbled frame: reported (to be logged and
 * dropped, consuming no sequence number), after which the parser resynchronises at the next `8=`.
 */

export const SOH = 0x01;
const EQ = 0x3d;
const D0 = 0x30;
const D9 = 0x39;
const B8 = 0x38;
const B9 = 0x39;
const B1 = 0x31;
const MAX_BEGIN_STRING = 16;

/** Why a frame was garbled. */
export type GarbledReason =
  | 'no_begin_string' | 'bad_begin_string' | 'bad_body_length' | 'body_too_large' | 'bad_checksum_field' | 'checksum_mismatch';

export interface ParserEvents {
  /** A complete frame `8=...<SOH>10=nnn<SOH>`, checked for length and checksum. */
  frame(bytes: Buffer): void;
  /** Bytes dropped with the reason (at most `maxFrameBytes` of them are given). */
  garbled(reason: GarbledReason, bytes: Buffer): void;
}

export interface ParserOptions {
  /** Largest BodyLength accepted, in bytes; a larger one is garbled (it would hold memory hostage). */
  maxBodyBytes: number;
  /** The BeginString expected, e.g. `FIX.4.4`: used to find a frame start inside binary garbage. */
  beginString: string;
}

const enum State {
  /** Looking for `8=`. */
  Start,
  /** Inside the BeginString value, up to SOH. */
  BeginString,
  /** Expecting `9=`. */
  BodyLengthTag,
  /** Digits of BodyLength, up to SOH. */
  BodyLength,
  /** Counting BodyLength bytes. */
  Body,
  /** `10=nnn<SOH>`: 7 bytes. */
  Trailer,
}

/**
 * Feed it bytes as they arrive (any split: one byte at a time or many frames at once); it keeps
 * only the bytes of the frame in progress. Never throws on input.
 */
export class FixParser {
  private state = State.Start;
  private buf: Buffer = Buffer.alloc(0);
  /** Offset in `buf` of the frame in progress (its `8`). */
  private start = 0;
  /** Scan position in `buf`. */
  private pos = 0;
  private bodyLength = 0;
  private bodyEnd = 0;
  private readonly begin: Buffer;

  constructor(
    private readonly options: ParserOptions,
    private readonly events: ParserEvents,
  ) {
    this.begin = Buffer.from(options.beginString, 'latin1');
  }

  /** Bytes held for the frame in progress (for tests and limits). */
  get buffered(): number {
    return this.buf.length - this.start;
  }

  parse(chunk: Buffer): void {
    this.buf = this.start < this.buf.length ? Buffer.concat([this.buf.subarray(this.start), chunk]) : chunk;
    this.pos -= this.start;
    this.bodyEnd -= this.start;
    this.start = 0;
    if (this.pos < 0) this.pos = 0;
    const b = this.buf;
    while (this.pos < b.length) {
      switch (this.state) {
        case State.Start: {
          const at = this.findStart(this.pos);
          if (at < 0) {
            // Keep a tail that may begin the next frame (`8=FIX.4.` split across reads); drop the rest.
            const keep = Math.min(this.begin.length + 2, b.length - this.start);
            if (b.length - keep > this.start) this.garbled('no_begin_string', this.start, b.length - keep, false);
            this.start = this.pos = b.length - keep;
            return this.compact();
          }
          if (at > this.start) this.garbled('no_begin_string', this.start, at, false);
          this.start = at;
          this.pos = at + 2;
          this.state = State.BeginString;
          break;
        }
        case State.BeginString: {
          // Any `FIX...` BeginString up to 16 bytes frames; the session answers one it does not speak.
          const end = b.indexOf(SOH, this.pos);
          const limit = this.start + 2 + MAX_BEGIN_STRING;
          if (end < 0) {
            if (b.length > limit) this.resync('bad_begin_string');
            else return this.compact();
            break;
          }
          if (end > limit || end - this.start < 5 || b[this.start + 2] !== 0x46 || b[this.start + 3] !== 0x49 || b[this.start + 4] !== 0x58) {
            this.resync('bad_begin_string');
            break;
          }
          this.pos = end + 1;
          this.state = State.BodyLengthTag;
          break;
        }
        case State.BodyLengthTag: {
          if (b.length - this.pos < 2) return this.compact();
          if (b[this.pos] !== B9 || b[this.pos + 1] !== EQ) {
            this.resync('bad_body_length');
            break;
          }
          this.pos += 2;
          this.bodyLength = 0;
          this.state = State.BodyLength;
          break;
        }
        case State.BodyLength: {
          const c = b[this.pos]!;
          if (c >= D0 && c <= D9) {
            this.bodyLength = this.bodyLength * 10 + (c - D0);
            this.pos++;
            if (this.bodyLength > this.options.maxBodyBytes) this.resync('body_too_large');
          } else if (c === SOH && b[this.pos - 1] !== EQ) {
            this.pos++;
            this.bodyEnd = this.pos + this.bodyLength;
            this.state = State.Body;
          } else {
            this.resync('bad_body_length');
          }
          break;
        }
        case State.Body: {
          if (b.length < this.bodyEnd) {
            this.pos = b.length;
            return this.compact();
          }
          this.pos = this.bodyEnd;
          // BodyLength counts up to and including the SOH before `10=`.
          if (this.bodyLength === 0 || b[this.bodyEnd - 1] !== SOH) {
            this.resync('bad_body_length');
            break;
          }
          this.state = State.Trailer;
          break;
        }
        case State.Trailer: {
          if (b.length - this.pos < 7) return this.compact();
          const p = this.pos;
          if (b[p] !== B1 || b[p + 1] !== D0 || b[p + 2] !== EQ || b[p + 6] !== SOH || !isDigit(b[p + 3]!) || !isDigit(b[p + 4]!) || !isDigit(b[p + 5]!)) {
            this.resync(b[p] === B1 && b[p + 1] === D0 && b[p + 2] === EQ ? 'bad_checksum_field' : 'bad_body_length');
            break;
          }
          const declared = (b[p + 3]! - D0) * 100 + (b[p + 4]! - D0) * 10 + (b[p + 5]! - D0);
          if (declared !== checksum(b, this.start, p)) {
            this.resync('checksum_mismatch');
            break;
          }
          const frame = b.subarray(this.start, p + 7);
          this.start = this.pos = p + 7;
          this.state = State.Start;
          this.events.frame(frame);
          break;
        }
      }
    }
    this.compact();
  }

  /** Drops the frame in progress and looks for the next `8=` after its first byte. */
  private resync(reason: GarbledReason): void {
    const next = this.findStart(this.start + 1);
    const end = next < 0 ? Math.max(this.start + 1, this.pos) : next;
    this.garbled(reason, this.start, end, true);
    this.start = this.pos = end;
    this.state = State.Start;
  }

  private garbled(reason: GarbledReason, from: number, to: number, _frame: boolean): void {
    this.events.garbled(reason, this.buf.subarray(from, Math.min(to, from + this.options.maxBodyBytes)));
  }

  /**
   * Offset of the next frame start at or after `from`, or -1: `8=` at the start of the stream or
   * after SOH, or `8=<BeginString><SOH>` anywhere (after binary garbage).
   */
  private findStart(from: number): number {
    const b = this.buf;
    for (let i = b.indexOf(B8, from); i >= 0 && i + 1 < b.length; i = b.indexOf(B8, i + 1)) {
      if (b[i + 1] !== EQ) continue;
      if (i === 0 || b[i - 1] === SOH) return i;
      const end = i + 2 + this.begin.length;
      if (end < b.length && b[end] === SOH && b.subarray(i + 2, end).equals(this.begin)) return i;
    }
    return -1;
  }

  /** Releases bytes before the frame in progress. */
  private compact(): void {
    if (this.start > 0 && this.start >= this.buf.length) {
      this.buf = Buffer.alloc(0);
      this.pos = this.bodyEnd = this.start = 0;
    }
  }
}

function isDigit(c: number): boolean {
  return c >= D0 && c <= D9;
}

/** FIX CheckSum: the sum of bytes `from..to-1` modulo 256 (FIX 4.4 Vol. 2, "CheckSum calculation"). */
export function checksum(b: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += b[i]!;
  return sum & 0xff;
}
