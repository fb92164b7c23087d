/** The envelope fields the record headers carry. */
export interface EnvelopeHead {
  type: string;
  version: number;
  correlationId?: string;
  traceparent?: string;
}

const PAYLOAD_KEY = ',"payload":';
const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;

/**
 * Pure: the header fields of a stored body (canonical JSON, `pipeline/envelope.ts`), without parsing
 * the payload (most of the bytes) and, on the common path, without JSON.parse: every envelope field
 * before `payload` is a string or a number, so the head is a flat object. `,"payload":` cannot occur
 * inside an earlier string (a quote in a JSON string is always escaped), so its first occurrence
 * ends the head. A string with an escape (RFC 8259 section 7) falls back to JSON.parse of the head.
 */
export function envelopeHead(body: string): EnvelopeHead {
  const end = body.indexOf(PAYLOAD_KEY);
  const headEnd = end < 0 ? body.length - 1 : end;
  const out: Record<string, string | number> = {};
  let i = 1; // past '{'
  while (i < headEnd) {
    if (body.charCodeAt(i) !== QUOTE) return parseHead(body, end);
    const keyEnd = body.indexOf('"', i + 1);
    const key = body.slice(i + 1, keyEnd);
    if (body.charCodeAt(keyEnd + 1) !== COLON || key.includes('\\')) return parseHead(body, end);
    i = keyEnd + 2;
    if (body.charCodeAt(i) === QUOTE) {
      const valueEnd = body.indexOf('"', i + 1);
      const value = body.slice(i + 1, valueEnd);
      if (value.includes('\\')) return parseHead(body, end);
      i = valueEnd + 1;
      if (i < headEnd && body.charCodeAt(i) !== COMMA) return parseHead(body, end);
      out[key] = value;
      i++;
    } else {
      let valueEnd = body.indexOf(',', i);
      if (valueEnd < 0 || valueEnd > headEnd) valueEnd = headEnd;
      const n = Number(body.slice(i, valueEnd));
      if (Number.isNaN(n)) return parseHead(body, end);
      out[key] = n;
      i = valueEnd + 1;
    }
  }
  return out as unknown as EnvelopeHead;
}

function parseHead(body: string, end: number): EnvelopeHead {
  return JSON.parse(end < 0 ? body : `${body.slice(0, end)}}`) as EnvelopeHead;
}
