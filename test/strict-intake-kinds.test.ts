import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { makeEvent } from './support/events.js';
import { payloadText } from './support/json-text.js';

/** Every answer on one connection, in order: status and parsed JSON body. */
async function exchange(url: string, bytes: Buffer): Promise<Array<{ status: number; json: any }>> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    // Written, not ended: the last request asks to close, and the server closes when it has answered.
    socket.write(bytes);
  });
  const out: Array<{ status: number; json: any }> = [];
  let at = 0;
  while (at < text.length) {
    const headEnd = text.indexOf('\r\n\r\n', at);
    const head = text.slice(at, headEnd);
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
    const body = Buffer.from(text.slice(headEnd + 4, headEnd + 4 + length), 'latin1').toString('utf8');
    out.push({ status: Number(head.split(' ')[1]), json: body ? JSON.parse(body) : null });
    at = headEnd + 4 + length;
  }
  return out;
}

const request = (method: string, path: string, headers: Record<string, string | number>, body: Buffer = Buffer.alloc(0)) =>
  Buffer.concat([
    Buffer.from(`${method} ${path} HTTP/1.1\r\nhost: a\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}content-length: ${body.length}\r\n\r\n`),
    body,
  ]);

/**
 * The kinds of issue 9, each as a property that would catch its next member: random client input
 * never gets anything but a documented answer, and statuses on one connection are never stale.
 */
describe('issue 9 kinds as properties', () => {
  let gw: GatewayProcess;
  before(async () => {
    gw = await GatewayProcess.start({ EDGE_GATEWAY_WAL_PATH: join(tempDir(), 'wal.db'), EDGE_GATEWAY_HTTP_MAX_BODY_BYTES: '65536' });
  });
  after(async () => {
    await gw?.stop();
  });

  it('kind 2: whatever body, content type, charset and coding a client sends, the answer is documented JSON and never a 500', async () => {
    const event = (payload: string, id: string) => Buffer.from(JSON.stringify(makeEvent(id, 'UTI-K2', 0)).replace(/"payload":\{.*\}\}$/, `"payload":${payload}}`));
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.tuple(payloadText, fc.uuid()).map(([p, id]) => event(p, id)),
      fc.tuple(payloadText, fc.uuid(), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 255 })).map(([p, id, at, byte]) => {
        const b = event(p, id);
        b[at % b.length] = byte; // one byte changed: often invalid UTF-8 or JSON
        return b;
      }),
      fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.uuid()).map(([depth, id]) => event(`${'['.repeat(depth)}${']'.repeat(depth)}`, id)),
    );
    const contentType = fc.constantFrom('application/json', 'application/x-ndjson', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', undefined);
    const coding = fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity', 'gzip, br');
    const documented = new Map([
      [200, ['']], [202, ['']], [400, ['malformed_json', 'invalid_utf8', 'malformed_content_encoding', 'empty_batch']],
      [413, ['body_too_large', 'too_many_events', 'event_too_large']], [415, ['unsupported_media_type', 'unsupported_charset', 'unsupported_content_encoding']],
      [422, ['']],
    ]);
    await fc.assert(
      fc.asyncProperty(body, contentType, coding, fc.boolean(), async (b, type, enc, compress) => {
        const sent = compress && enc === 'gzip' ? gzipSync(b) : b;
        const headers: Record<string, string> = {};
        if (type) headers['content-type'] = type;
        if (enc) headers['content-encoding'] = enc;
        const [answer, ...rest] = await exchange(gw.url, request('POST', '/v1/events', { ...headers, connection: 'close' }, sent));
        assert.equal(rest.length, 0);
        const codes = documented.get(answer!.status);
        assert.ok(codes, `undocumented status ${answer!.status}: ${JSON.stringify(answer!.json)}`);
        if (answer!.status === 200 || answer!.status === 202 || answer!.status === 422) {
          assert.equal(typeof answer!.json.accepted, 'number');
        } else {
          assert.ok(codes.includes(answer!.json.error.code), `status ${answer!.status} with ${answer!.json.error.code}`);
          assert.equal(typeof answer!.json.error.message, 'string');
        }
      }),
      { numRuns: 150 },
    );
  });

  let runs = 0;
  it('kind 3: any sequence of POSTs and GETs pipelined on one connection gets statuses true when each is answered', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('POST', 'GET'), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 12 }), async (steps) => {
        // Fresh ids on every run, shrinking included, so no run sees another's events.
        const run = `${Date.now()}-${runs++}`;
        const id = (k: number) => `k3-${run}-${k}`;
        const bytes = steps.map(([method, k]) =>
          method === 'POST'
            ? request('POST', '/v1/events', { 'content-type': 'application/json' }, Buffer.from(JSON.stringify(makeEvent(id(k), `UTI-${run}`, k))))
            : request('GET', `/v1/events/${id(k)}`, {}),
        );
        bytes.push(request('GET', '/health/live', { connection: 'close' }));
        const answers = await exchange(gw.url, Buffer.concat(bytes));
        assert.equal(answers.length, steps.length + 1);
        const posted = new Set<number>();
        steps.forEach(([method, k], i) => {
          const a = answers[i]!;
          if (method === 'POST') {
            assert.equal(a.status, 202);
            assert.equal(a.json.results[0].status, posted.has(k) ? 'duplicate' : 'accepted');
            posted.add(k);
          } else if (posted.has(k)) {
            assert.equal(a.status, 200, `GET ${id(k)} after its POST`);
            assert.match(a.json.status, /^(accepted|forwarded)$/);
          } else {
            assert.equal(a.status, 404, `GET ${id(k)} before any POST`);
          }
        });
      }),
      { numRuns: 40 },
    );
  });
});
