import type { FieldError } from '../errors.js';
import { jsonPath } from './json-path.js';

/**
 * What the I-JSON check found in one JSON value (one event).
 * - `payloadJson`: the exact text of the root object's `payload` member as sent (a slice of the
 *   input), so numbers such as `100.50` or `9007199254740993` are stored byte for byte.
 * - `errors`: I-JSON violations, each with its JSON path inside the value: `duplicate_name`
 *   (RFC 7493 section 2.3), `unpaired_surrogate` (section 2.1), `too_deep` (this gateway's limit).
 */
export interface StrictScan {
  payloadJson: string | undefined;
  errors: FieldError[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
/** Objects with more names than this check duplicates with a Set; smaller ones by a linear search. */
const LINEAR_NAMES = 8;

/**
 * Pure: checks one JSON value that `JSON.parse` has already accepted (so the grammar is known to
 * be right) against the parts of I-JSON (RFC 7493) that JSON.parse lets through: duplicate member
 * names (compared after unescaping, so `"a"` and `"\u0061"` collide), escapes that leave an
 * unpaired UTF-16 surrogate, and nesting deeper than `maxDepth` (the value itself is level 1).
 * Invalid UTF-8 cannot reach it: the body is decoded strictly before. `start`/`end` delimit the
 * value's text in `text`. Never recurses, so no input can overflow the stack.
 */
export function scanStrict(text: string, start: number, end: number, maxDepth: number): StrictScan {
  return new Scanner(text, start, end, maxDepth).one();
}

/** Pure: `scanStrict` for each element of the JSON array at `start` (already accepted by JSON.parse), in order. */
export function scanStrictElements(text: string, start: number, end: number, maxDepth: number): StrictScan[] {
  return new Scanner(text, start, end, maxDepth).each();
}

/** An open container: its member names so far (an object) or null (an array), and the next index. */
interface Frame {
  names: string[] | Set<string> | null;
  index: number;
}

class Scanner {
  private pos: number;
  /** The first backslash at or after the current string (-1: none left): strings ending before it have no escapes. */
  private nextBackslash = -1;
  private errors: FieldError[] = [];
  /** Keys and indices from the root to the value being read, for error paths only. */
  private readonly path: Array<string | number> = [];
  private payloadJson: string | undefined;
  /** Where the root's `payload` value starts while it is being read; -1 otherwise. */
  private payloadFrom = -1;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
    private readonly maxDepth: number,
  ) {
    this.pos = start;
    this.nextBackslash = text.indexOf('\\', start);
  }

  /** The value at `pos`. */
  one(): StrictScan {
    this.skipSpace();
    this.value();
    return { payloadJson: this.payloadJson, errors: this.errors };
  }

  /** Each element of the array at `pos`, checked as a value of its own. */
  each(): StrictScan[] {
    const out: StrictScan[] = [];
    this.skipSpace();
    this.pos++; // '['
    while (true) {
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos);
      if (c === RBRACKET || this.pos >= this.end) break;
      if (c === COMMA) this.pos++;
      this.errors = [];
      this.payloadJson = undefined;
      out.push(this.one());
    }
    return out;
  }

  /** Reads one value; containers are walked with an explicit stack, not recursion. */
  private value(): void {
    const t = this.text;
    const c0 = t.charCodeAt(this.pos);
    if (c0 !== LBRACE && c0 !== LBRACKET) return this.scalar();
    const frames: Frame[] = [];
    this.open(frames);
    while (frames.length > 0) {
      this.skipSpace();
      let c = t.charCodeAt(this.pos);
      if (c === RBRACE || c === RBRACKET) {
        this.pos++;
        frames.pop();
        this.path.pop();
        this.ended(frames.length);
        continue;
      }
      if (c === COMMA) {
        this.pos++;
        this.skipSpace();
        c = t.charCodeAt(this.pos);
      }
      const f = frames[frames.length - 1]!;
      if (f.names === null) {
        this.path[this.path.length - 1] = f.index++;
      } else {
        const before = this.errors.length;
        const name = this.string(true)!;
        this.skipSpace();
        this.pos++; // ':'
        this.skipSpace();
        this.path[this.path.length - 1] = name;
        // A problem inside the name itself belongs to the member it names.
        for (let k = before; k < this.errors.length; k++) this.errors[k]!.path = jsonPath(this.path);
        if (this.seen(f, name)) {
          this.fail('duplicate_name', `duplicate member name '${name}': I-JSON (RFC 7493 section 2.3) allows each name once per object`);
        }
        if (frames.length === 1 && name === 'payload') this.payloadFrom = this.pos;
      }
      const v = t.charCodeAt(this.pos);
      if (v === LBRACE || v === LBRACKET) {
        if (!this.open(frames)) this.ended(frames.length);
      } else {
        this.scalar();
        this.ended(frames.length);
      }
    }
  }

  /** A member value ended at `pos`, `level` containers deep: if it was the root's payload, keep its text. */
  private ended(level: number): void {
    if (level === 1 && this.payloadFrom >= 0) {
      this.payloadJson = this.text.slice(this.payloadFrom, this.pos);
      this.payloadFrom = -1;
    }
  }

  /**
   * Opens a container at `pos`. Past the depth limit it records `too_deep`, skips the container
   * whole and returns false.
   */
  private open(frames: Frame[]): boolean {
    if (frames.length + 1 > this.maxDepth) {
      this.fail('too_deep', `nested deeper than ${this.maxDepth} levels, the limit (http.maxJsonDepth)`);
      this.skipContainer();
      return false;
    }
    const isObject = this.text.charCodeAt(this.pos) === LBRACE;
    frames.push({ names: isObject ? [] : null, index: 0 });
    this.path.push(isObject ? '' : 0);
    this.pos++;
    return true;
  }

  /** Whether the object already has this name; remembers it. */
  private seen(f: Frame, name: string): boolean {
    const names = f.names!;
    if (Array.isArray(names)) {
      for (let k = 0; k < names.length; k++) if (names[k] === name) return true;
      names.push(name);
      if (names.length > LINEAR_NAMES) f.names = new Set(names);
      return false;
    }
    const set = names;
    if (set.has(name)) return true;
    set.add(name);
    return false;
  }

  private scalar(): void {
    if (this.text.charCodeAt(this.pos) === QUOTE) {
      this.string(false);
      return;
    }
    // A number or a literal: JSON.parse has checked its grammar; its text is kept as sent.
    const t = this.text;
    let i = this.pos;
    while (i < this.end) {
      const c = t.charCodeAt(i);
      if (c === COMMA || c === RBRACE || c === RBRACKET || isSpace(c)) break;
      i++;
    }
    this.pos = i;
  }

  /**
   * Reads a string at `pos` (on its opening quote), checking its escapes for unpaired surrogates.
   * Returns its value when `decode` (member names), else undefined.
   */
  private string(decode: boolean): string | undefined {
    const t = this.text;
    const from = this.pos + 1;
    const close = t.indexOf('"', from);
    if (this.nextBackslash !== -1 && this.nextBackslash < from) this.nextBackslash = t.indexOf('\\', from);
    if (this.nextBackslash === -1 || this.nextBackslash > close) {
      this.pos = close + 1;
      return decode ? t.slice(from, close) : undefined;
    }
    // Escapes: walk the string.
    let i = this.nextBackslash;
    let pendingHigh = false;
    while (true) {
      const c = t.charCodeAt(i);
      if (c === QUOTE) break;
      if (c !== BACKSLASH) {
        if (pendingHigh) this.unpaired();
        pendingHigh = false;
        i++;
        continue;
      }
      const e = t.charCodeAt(i + 1);
      if (e === 0x75 /* u */) {
        const unit = parseInt(t.slice(i + 2, i + 6), 16);
        if (unit >= 0xdc00 && unit <= 0xdfff) {
          if (!pendingHigh) this.unpaired();
          pendingHigh = false;
        } else {
          if (pendingHigh) this.unpaired();
          pendingHigh = unit >= 0xd800 && unit <= 0xdbff;
        }
        i += 6;
      } else {
        if (pendingHigh) this.unpaired();
        pendingHigh = false;
        i += 2;
      }
    }
    if (pendingHigh) this.unpaired();
    this.pos = i + 1;
    this.nextBackslash = t.indexOf('\\', this.pos);
    return decode ? (JSON.parse(t.slice(from - 1, i + 1)) as string) : undefined;
  }

  private unpaired(): void {
    this.fail('unpaired_surrogate', 'a \\u escape leaves an unpaired UTF-16 surrogate, which is not a Unicode character (RFC 7493 2.1)');
  }

  /** Skips a container without looking inside (only strings matter: they may hold brackets). */
  private skipContainer(): void {
    const t = this.text;
    let open = 0;
    let i = this.pos;
    while (i < this.end) {
      const c = t.charCodeAt(i);
      if (c === QUOTE) {
        i++;
        while (true) {
          const q = t.charCodeAt(i);
          if (q === BACKSLASH) i += 2;
          else if (q === QUOTE) break;
          else i++;
        }
      } else if (c === LBRACE || c === LBRACKET) open++;
      else if (c === RBRACE || c === RBRACKET) {
        if (--open === 0) {
          i++;
          break;
        }
      }
      i++;
    }
    this.pos = i;
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < this.end && isSpace(t.charCodeAt(this.pos))) this.pos++;
  }

  private fail(code: string, message: string): void {
    this.errors.push({ path: jsonPath(this.path), code, message });
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
