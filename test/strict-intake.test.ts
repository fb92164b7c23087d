import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import { GatewayProcess } from '../bench/gateway-process.js';
import { tempDir } from '../bench/temp-dir.js';
import { recordBytesAtMost } from '../gateway/pipeline/record-size.js';
import { makeEvent, ndjson } from './support/events.js';
import { readWalFile } from './support/wal-file.js';

const MAX_BODY = 2 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 1_500;

/** One event's JSON text with `payload` as given text (so numbers can be written as sent). */
const eventText = (id: string, payload: string, extra = '') =>
  `{"eventId":"${id}","type":"PayloadRecorded","version":1,"occurredAt":"2026-11-02T09:30:00.123Z","source":"test-oms","aggregateId":"UTI-${id}"${extra},"payload":${payload}}`;

/**
 * Issue 9: every input a new user tried (from public bug reports against comparable systems) with
 * its right answer: stored exactly as sent, or refused with a precise documented error.
 */
/** The JSON body of a single answer; null when there is none or more than one answer. */
function parseOne(body: string): any {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

describe('strict I-JSON at the HTTP boundary: each input, its right answer', () => {
  let gw: GatewayProcess;
  let wal: string;

  before(async () => {
    wal = join(tempDir(), 'wal.db');
    gw = await GatewayProcess.start({
      EDGE_GATEWAY_WAL_PATH: wal,
      // The raw payloads below (numbers at the limits, duplicates, escapes) are no catalogue type's:
      // a type outside the catalogue, passed through with envelope checks only, carries them.
      EDGE_GATEWAY_CATALOGUE_UNKNOWN_TYPES: 'passThrough',
      EDGE_GATEWAY_HTTP_MAX_BODY_BYTES: String(MAX_BODY),
      EDGE_GATEWAY_HTTP_HEADERS_TIMEOUT_MS: '1000',
      EDGE_GATEWAY_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
  });
  after(async () => {
    await gw?.stop();
  });

  function post(body: string | Buffer, headers: Record<string, string | number> = { 'content-type': 'application/json' }): Promise<{ status: number; json: any }> {
    return new Promise((resolve, reject) => {
      const req = request(new URL('/v1/events', gw.url), { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The stored body of an event, read from the WAL file as an admin would. */
  function storedBody(eventId: string): string | undefined {
    const db = new BetterSqlite3(wal, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT body FROM events WHERE event_id = ?').pluck().get(eventId) as string | undefined;
    } finally {
      db.close();
    }
  }

  async function refused(send: () => Promise<{ status: number; json: any }>, status: number, code: string, path?: string) {
    const before = readWalFile(wal).seqs.size;
    const res = await send();
    assert.equal(res.status, status, JSON.stringify(res.json));
    const error = res.json.error ?? res.json.results?.[0]?.errors?.[0];
    assert.equal(error?.code, code, JSON.stringify(res.json));
    if (path !== undefined) assert.equal(error.path, path, JSON.stringify(res.json));
    assert.equal(readWalFile(wal).seqs.size, before, 'nothing is stored');
    return res.json;
  }

  /** Sends raw bytes on a fresh connection; resolves with the whole answer once the server closes. */
  function raw(bytes: string, holdOpen = false): Promise<{ status: number; json: any; text: string }> {
    return new Promise((resolve, reject) => {
      const socket = connect(Number(new URL(gw.url).port), '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString();
        const [head, body = ''] = text.split('\r\n\r\n');
        resolve({ status: Number(head!.split(' ')[1]), json: parseOne(body), text });
      });
      socket.write(bytes);
      if (!holdOpen) socket.end();
    });
  }

  describe('kind 1: accepted means stored exactly as sent', () => {
    it('numbers a double cannot hold reach the WAL as sent: 9007199254740993, 1e400, 100.50, 30 digits', async () => {
      const payload = '{"orderId":9007199254740993,"qty":1e400,"px":100.50,"big":123456789012345678901234567890}';
      const res = await post(eventText('num-1', payload));
      assert.equal(res.status, 202);
      assert.ok(storedBody('num-1')!.endsWith(`,"payload":${payload}}`), storedBody('num-1'));
    });

    it('a Latin-1 byte (0xE9): 400 invalid_utf8 with the byte offset; declared iso-8859-1: 415', async () => {
      const text = eventText('latin-1', '{"name":"caf_"}');
      const body = Buffer.from(text, 'latin1');
      body[text.indexOf('caf_') + 3] = 0xe9;
      const json = await refused(() => post(body), 400, 'invalid_utf8');
      assert.match(json.error.message, new RegExp(`byte offset ${text.indexOf('caf_') + 3} \\(0xE9\\)`));
      await refused(() => post(body, { 'content-type': 'application/json; charset=iso-8859-1' }), 415, 'unsupported_charset');
      await refused(() => post(Buffer.from(text), { 'content-type': 'application/x-ndjson; charset=windows-1252' }), 415, 'unsupported_charset');
    });

    it('an unpaired surrogate escape: 422 unpaired_surrogate at its path', async () => {
      await refused(() => post(eventText('sur-1', '{"name":"\\ud800"}')), 422, 'unpaired_surrogate', '$.payload.name');
    });

    it('duplicate member names at any depth: 422 duplicate_name at their path, the first value never lost silently', async () => {
      const dupId = eventText('dup-a', '{}').replace('"type"', '"eventId":"dup-b","type"');
      const json = await refused(() => post(dupId), 422, 'duplicate_name', '$.eventId');
      assert.equal(json.results[0].eventId, undefined, 'neither value names the event');
      await refused(() => post(eventText('dup-side', '{"side":"BUY","side":"SELL"}')), 422, 'duplicate_name', '$.payload.side');
      await refused(() => post(eventText('dup-deep', '{"legs":[{"px":"1"},{"px":"1","\\u0070x":"2"}]}')), 422, 'duplicate_name', '$.payload.legs[1].px');
    });
  });

  describe('kind 2: client input answered inside the documented contract', () => {
    it('an event nested 4,100 levels deep is rejected alone (too_deep), the valid one beside it stored', async () => {
      const deep = `${'{"a":'.repeat(4100)}1${'}'.repeat(4100)}`;
      const res = await post(`[${eventText('deep-1', deep)},${eventText('beside-1', '{"ok":true}')}]`);
      assert.equal(res.status, 200, JSON.stringify(res.json).slice(0, 500));
      assert.deepEqual(res.json.results.map((r: any) => r.status), ['rejected', 'accepted']);
      assert.equal(res.json.results[0].errors[0].code, 'too_deep');
      assert.ok(storedBody('beside-1') && !storedBody('deep-1'));
    });

    it('gzip and deflate bodies are decoded; a bomb stops at maxBodyBytes; a plain body labelled gzip is 400; br is 415', async () => {
      const text = ndjson([makeEvent('gz-1', 'UTI-GZ', 0), makeEvent('gz-2', 'UTI-GZ', 1)]);
      assert.equal((await post(gzipSync(text), { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' })).status, 202);
      const deflated = deflateSync(JSON.stringify(makeEvent('df-1', 'UTI-DF', 0)));
      assert.equal((await post(deflated, { 'content-type': 'application/json', 'content-encoding': 'deflate' })).status, 202);
      assert.ok(storedBody('gz-2') && storedBody('df-1'));
      // 3 MiB of spaces around an event compress to a few kB: the decoded size is what counts.
      const bomb = gzipSync(`${' '.repeat(3 * 1024 * 1024)}${JSON.stringify(makeEvent('bomb-1', 'UTI-B', 0))}`);
      assert.ok(bomb.length < 10_000);
      await refused(() => post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 413, 'body_too_large');
      const plain = JSON.stringify(makeEvent('plain-gz', 'UTI-P', 0));
      await refused(() => post(plain, { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 400, 'malformed_content_encoding');
      const br = await refused(() => post(plain, { 'content-type': 'application/json', 'content-encoding': 'br' }), 415, 'unsupported_content_encoding');
      assert.match(br.error.message, /'br'/);
    });

    it('a UTF-8 byte order mark is ignored alike before a JSON and an NDJSON body', async () => {
      assert.equal((await post(`\uFEFF${JSON.stringify(makeEvent('bom-json', 'UTI-BOM', 0))}`)).status, 202);
      assert.equal((await post(`\uFEFF${ndjson([makeEvent('bom-nd', 'UTI-BOM', 1)])}`, { 'content-type': 'application/x-ndjson' })).status, 202);
      assert.ok(storedBody('bom-json') && storedBody('bom-nd'));
    });

    it("Node's own refusals use the one JSON error shape: 431 oversize header, 400 garbage request line, 408 stalled body", async () => {
      const big = await raw(`GET /v1/events/x HTTP/1.1\r\nhost: a\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
      assert.equal(big.status, 431, big.text);
      assert.equal(big.json.error.code, 'headers_too_large');
      const garbage = await raw('HELLO THERE\r\n\r\n');
      assert.equal(garbage.status, 400);
      assert.equal(garbage.json.error.code, 'malformed_request');
      const started = Date.now();
      const stalled = await raw(`POST /v1/events HTTP/1.1\r\nhost: a\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"eventId":`, true);
      const waited = Date.now() - started;
      assert.equal(stalled.status, 408, stalled.text);
      assert.equal(stalled.json.error.code, 'request_timeout');
      assert.ok(waited >= REQUEST_TIMEOUT_MS - 100 && waited < REQUEST_TIMEOUT_MS + 3_000, `answered after ${waited} ms`);
    });

    it('a leap second (2016-12-31T23:59:60Z, valid RFC 3339) is accepted and stored as sent', async () => {
      const res = await post(JSON.stringify(makeEvent('leap-1', 'UTI-LEAP', 0, { occurredAt: '2016-12-31T23:59:60Z' })));
      assert.equal(res.status, 202);
      assert.match(storedBody('leap-1')!, /"occurredAt":"2016-12-31T23:59:60Z"/);
    });
  });

  describe('kind 3: a status is true when it is reported', () => {
    it("an event whose record cannot fit the producer's message.max.bytes is refused at intake: 413 event_too_large", async () => {
      const big = makeEvent('huge-1', 'UTI-HUGE', 0, { type: 'PayloadRecorded', payload: { blob: 'x'.repeat(1_000_000) } });
      await refused(() => post(JSON.stringify(big)), 413, 'event_too_large', '$');
      // At the bound exactly: accepted, and Kafka (librdkafka) takes it: it is forwarded, not dead-lettered.
      const fits = makeEvent('fits-1', 'UTI-FITS', 0, {
        type: 'PayloadRecorded',
        payload: { blob: '' },
        // Both given, so enrichment adds nothing and the record is the size computed here.
        correlationId: 'fits-1',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      });
      const pad = 1_000_000 - recordBytesAtMost(fits as any, JSON.stringify(fits));
      fits.payload.blob = 'x'.repeat(pad);
      assert.equal(recordBytesAtMost(fits as any, JSON.stringify(fits)), 1_000_000);
      assert.equal((await post(JSON.stringify(fits))).status, 202);
      const status = await gw.waitFor('the event at the bound finished', async () => {
        const s = (await (await fetch(`${gw.url}/v1/events/fits-1`)).json()) as { status: string };
        return s.status === 'accepted' ? undefined : s;
      });
      assert.equal(status.status, 'forwarded');
    });

    it('pipelined requests on one connection: a GET after a POST reports the POST as done', async () => {
      const body = JSON.stringify(makeEvent('pipe-1', 'UTI-PIPE', 0));
      // Both requests in one write: Node parses the GET while the POST waits for its commit. The
      // connection stays open for writing (a client that half-closes has its requests aborted by
      // node:http); `connection: close` on the GET ends it.
      const answer = await raw(
        `POST /v1/events HTTP/1.1\r\nhost: a\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}` +
          'GET /v1/events/pipe-1 HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n',
        true,
      );
      const statuses = [...answer.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
      assert.deepEqual(statuses, ['202', '200'], answer.text);
      assert.match(answer.text, /"eventId":"pipe-1","status":"(accepted|forwarded)"/);
    });
  });
});
