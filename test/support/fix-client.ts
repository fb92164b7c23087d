import { connect, type Socket } from 'node:net';
import { encodeMessage, utcTimestamp } from '../../gateway/sources/fix/codec/fix-encoder.js';
import { decodeFields, fieldValue, type FixField, type FixMessage } from '../../gateway/sources/fix/codec/fix-message.js';
import { FixParser } from '../../gateway/sources/fix/codec/fix-parser.js';
import { waitFor } from '../../bench/wait-for.js';

/**
 * A scripted FIX 4.4 counterparty for session tests: it sends exactly what the test says (no
 * session logic of its own) and collects what the gateway sends, for `expect`-style waiting.
 */
export class FixTestClient {
  readonly received: FixMessage[] = [];
  private read = 0;
  closed = false;
  seq = 1;

  private constructor(
    readonly socket: Socket,
    readonly ids: { sender: string; target: string },
  ) {
    const parser = new FixParser({ maxBodyBytes: 1 << 20, beginString: 'FIX.4.4' }, {
      frame: (b) => {
        const d = decodeFields(Buffer.from(b));
        if (d.ok) this.received.push(d.message);
      },
      garbled: () => {},
    });
    socket.on('data', (c: Buffer) => parser.parse(c));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  static async connect(port: number, ids = { sender: 'OMS1', target: 'GATEWAY' }): Promise<FixTestClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new FixTestClient(socket, ids);
  }

  /** Sends a message with the next seq (or `o.seq`), now as SendingTime; `header` goes after 52. */
  send(msgType: string, body: FixField[] = [], o: { seq?: number; header?: FixField[]; at?: number } = {}): Buffer {
    const seq = o.seq ?? this.seq++;
    const bytes = encodeMessage('FIX.4.4', [
      { tag: 35, value: msgType }, { tag: 49, value: this.ids.sender }, { tag: 56, value: this.ids.target }, { tag: 34, value: String(seq) },
      { tag: 52, value: utcTimestamp(o.at ?? Date.now()) }, ...(o.header ?? []), ...body,
    ]);
    this.socket.write(bytes);
    return bytes;
  }

  logon(heartBtInt = 30, extra: FixField[] = []): void {
    this.send('A', [{ tag: 98, value: '0' }, { tag: 108, value: String(heartBtInt) }, ...extra]);
  }

  /** The next message not yet taken, waiting up to `timeoutMs`; fails when the gateway closes first. */
  async next(timeoutMs = 10_000): Promise<FixMessage> {
    await waitFor('a FIX message from the gateway', () => this.received.length > this.read || this.closed, { timeoutMs });
    if (this.received.length <= this.read) throw new Error('connection closed without a message');
    return this.received[this.read++]!;
  }

  /** The next message, asserted to be `msgType`; returns it. */
  async expect(msgType: string, timeoutMs = 10_000): Promise<FixMessage> {
    const m = await this.next(timeoutMs);
    if (fieldValue(m, 35) !== msgType) throw new Error(`expected 35=${msgType}, got ${show(m)}`);
    return m;
  }

  /** Waits until the gateway closes the connection; returns what it sent meanwhile. */
  async closedBy(timeoutMs = 10_000): Promise<FixMessage[]> {
    await waitFor('the gateway to close the connection', () => this.closed, { timeoutMs });
    const rest = this.received.slice(this.read);
    this.read = this.received.length;
    return rest;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** `35=A|34=1|...` without 8, 9, 10, 49, 56, 52. */
export function show(m: FixMessage): string {
  return m.fields.filter((f) => ![8, 9, 10, 49, 56, 52].includes(f.tag)).map((f) => `${f.tag}=${f.value}`).join('|');
}

export const tag = (m: FixMessage, t: number) => fieldValue(m, t);
