import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeMessage } from './fix-encoder.js';
import { decodeFields } from './fix-message.js';
import { FixParser, type GarbledReason } from './fix-parser.js';

function collect(maxBodyBytes = 4096) {
  const frames: string[] = [];
  const garbled: Array<{ reason: GarbledReason; bytes: string }> = [];
  const parser = new FixParser(
    { maxBodyBytes, beginString: 'FIX.4.4' },
    { frame: (b) => frames.push(b.toString('latin1')), garbled: (reason, b) => garbled.push({ reason, bytes: b.toString('latin1') }) },
  );
  return { parser, frames, garbled };
}

const msg = (seq: number, extra = '') =>
  encodeMessage('FIX.4.4', [
    { tag: 35, value: '0' }, { tag: 49, value: 'OMS1' }, { tag: 56, value: 'GATEWAY' }, { tag: 34, value: String(seq) },
    { tag: 52, value: '20261130-09:00:00.000' }, ...(extra ? [{ tag: 58, value: extra }] : []),
  ]);
const s = (b: Buffer) => b.toString('latin1');

describe('FixParser', () => {
  it('emits a valid frame as it is', () => {
    const { parser, frames, garbled } = collect();
    const m = msg(1);
    parser.parse(m);
    assert.deepEqual(frames, [s(m)]);
    assert.deepEqual(garbled, []);
    assert.equal(parser.buffered, 0);
  });

  it('computes BodyLength and CheckSum as FIX 4.4 defines them', () => {
    // The FIX 4.4 spec's style: the body from 35= to the SOH before 10=.
    const m = s(msg(1));
    const body = m.slice(m.indexOf('35='), m.indexOf('10='));
    assert.match(m, new RegExp(`^8=FIX\\.4\\.4\\x019=${body.length}\\x01`));
    let sum = 0;
    for (const c of m.slice(0, m.indexOf('10='))) sum += c.charCodeAt(0);
    assert.ok(m.endsWith(`10=${String(sum % 256).padStart(3, '0')}\x01`));
  });

  it('reassembles a frame split at every possible byte, and one byte at a time', () => {
    const m = msg(7, 'split');
    for (let cut = 1; cut < m.length; cut++) {
      const { parser, frames, garbled } = collect();
      parser.parse(m.subarray(0, cut));
      parser.parse(m.subarray(cut));
      assert.deepEqual(frames, [s(m)], `cut at ${cut}`);
      assert.deepEqual(garbled, []);
    }
    const { parser, frames } = collect();
    for (const byte of m) parser.parse(Buffer.from([byte]));
    assert.deepEqual(frames, [s(m)]);
  });

  it('emits many frames from one read, in order', () => {
    const all = Array.from({ length: 500 }, (_, i) => msg(i + 1));
    const { parser, frames } = collect();
    parser.parse(Buffer.concat(all));
    assert.deepEqual(frames, all.map(s));
  });

  it('drops a frame with a wrong checksum and keeps the next one', () => {
    const bad = Buffer.from(msg(1));
    bad[bad.length - 2] = bad[bad.length - 2] === 0x30 ? 0x31 : 0x30;
    const good = msg(2);
    const { parser, frames, garbled } = collect();
    parser.parse(Buffer.concat([bad, good]));
    assert.deepEqual(frames, [s(good)]);
    assert.deepEqual(garbled.map((g) => g.reason), ['checksum_mismatch']);
  });

  it('drops a frame whose BodyLength is too short or too long, and resynchronises', () => {
    for (const delta of [-3, +5]) {
      const m = s(msg(1, 'x'));
      const len = Number(/\x019=(\d+)\x01/.exec(m)![1]);
      const broken = Buffer.from(m.replace(`9=${len}\x01`, `9=${len + delta}\x01`), 'latin1');
      const good = msg(2);
      const { parser, frames, garbled } = collect();
      parser.parse(Buffer.concat([broken, good]));
      assert.deepEqual(frames, [s(good)], `delta ${delta}`);
      assert.ok(garbled.length >= 1 && ['bad_body_length', 'bad_checksum_field'].includes(garbled[0]!.reason), JSON.stringify(garbled));
    }
  });

  it('drops a frame with another BeginString, a missing 9=, or a non-numeric BodyLength', () => {
    const good = msg(2);
    const cases: Array<[string, GarbledReason]> = [
      ['8=XYZ.4.4\x019=5\x0135=0\x0110=000\x01', 'bad_begin_string'],
      ['8=FIX.4.4\x0135=0\x019=5\x0110=000\x01', 'bad_body_length'],
      ['8=FIX.4.4\x019=1x\x0135=0\x0110=000\x01', 'bad_body_length'],
    ];
    for (const [bad, reason] of cases) {
      const { parser, frames, garbled } = collect();
      parser.parse(Buffer.concat([Buffer.from(bad, 'latin1'), good]));
      assert.deepEqual(frames, [s(good)], bad);
      assert.equal(garbled[0]!.reason, reason, bad);
    }
  });

  it('refuses a BodyLength over the limit without buffering it', () => {
    const { parser, frames, garbled } = collect(100);
    parser.parse(Buffer.from('8=FIX.4.4\x019=1000000000\x01', 'latin1'));
    assert.deepEqual(frames, []);
    assert.equal(garbled[0]!.reason, 'body_too_large');
    assert.ok(parser.buffered < 32);
  });

  it('survives binary garbage before, between and after frames', () => {
    const a = msg(1);
    const b = msg(2);
    const junk = Buffer.from([0x00, 0xff, 0x38, 0x3d, 0x01, 0x10, 0x38, 0x01, 0x7f, 0x39, 0x3d]);
    const { parser, frames, garbled } = collect();
    parser.parse(Buffer.concat([junk, a, Buffer.from([0x01]), junk, b, junk]));
    assert.deepEqual(frames, [s(a), s(b)]);
    assert.ok(garbled.length >= 2);
  });

  it('never throws and stays bounded on random bytes', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    const { parser } = collect(512);
    for (let i = 0; i < 2000; i++) {
      const chunk = Buffer.from(Array.from({ length: 1 + (rnd() % 64) }, () => (rnd() < 40 ? [0x38, 0x3d, 0x01, 0x39][rnd() % 4]! : rnd())));
      parser.parse(chunk);
      assert.ok(parser.buffered <= 512 + 64 + 32);
    }
    const { parser: p2, frames } = collect();
    p2.parse(Buffer.from([0x01]));
    p2.parse(msg(9));
    assert.equal(frames.length, 1);
  });
});

describe('decodeFields', () => {
  it('splits a frame into fields in wire order', () => {
    const d = decodeFields(msg(3, 'hello'));
    assert.ok(d.ok);
    assert.deepEqual(d.message.fields.map((f) => f.tag), [8, 9, 35, 49, 56, 34, 52, 58, 10]);
    assert.equal(d.message.fields[7]!.value, 'hello');
  });

  it('keeps an empty value (the session rejects it) but refuses broken tag=value', () => {
    const d = decodeFields(Buffer.from('8=FIX.4.4\x0158=\x01', 'latin1'));
    assert.ok(d.ok && d.message.fields[1]!.value === '');
    for (const bad of ['8=FIX.4.4\x01abc\x01', '8=FIX.4.4\x01=x\x01', '8=FIX.4.4\x0112x=1\x01', '8=FIX.4.4\x01012=1\x01', '8=FIX.4.4\x0158=x']) {
      assert.equal(decodeFields(Buffer.from(bad, 'latin1')).ok, false, JSON.stringify(bad));
    }
  });

  it('reads a length-prefixed data field that contains SOH', () => {
    const d = decodeFields(Buffer.from('8=FIX.4.4\x0195=3\x0196=a\x01b\x0158=x\x01', 'latin1'));
    assert.ok(d.ok);
    assert.deepEqual(d.message.fields.map((f) => [f.tag, f.value]), [[8, 'FIX.4.4'], [95, '3'], [96, 'a\x01b'], [58, 'x']]);
  });
});
