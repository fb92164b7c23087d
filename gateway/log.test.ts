import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import { createLogger, LogConfigSchema } from './log.js';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter((l) => l !== ''));
      done();
    },
  });
  return { lines, stream };
}

it('json: one JSON object per line, secrets in any section redacted', () => {
  const { lines, stream } = capture();
  const log = createLogger(LogConfigSchema.parse({ format: 'json' }), { gatewayId: 'g' }, { destination: stream });
  log.info({ config: { kafka: { producer: { 'sasl.password': 'hunter2', 'sasl.username': 'svc' } } }, headers: { authorization: 'Bearer abc' }, token: 't0k' }, 'start');
  assert.equal(lines.length, 1);
  const entry = JSON.parse(lines[0]!);
  assert.equal(entry.msg, 'start');
  assert.equal(entry.gatewayId, 'g');
  assert.equal(entry.level, 30);
  assert.equal(entry.config.kafka.producer['sasl.password'], '[redacted]');
  assert.equal(entry.headers.authorization, '[redacted]');
  assert.doesNotMatch(lines[0]!, /hunter2|Bearer abc|t0k/);
  assert.equal(entry.config.kafka.producer['sasl.username'], 'svc');
});

it('auto: pretty on a terminal, JSON otherwise; pretty lines are readable text with the level name', () => {
  const tty = capture();
  createLogger(LogConfigSchema.parse({}), { gatewayId: 'g' }, { destination: tty.stream, isTty: true }).warn({ seq: 7 }, 'breaker open');
  assert.match(tty.lines.join('\n'), /WARN.*breaker open/);
  assert.throws(() => JSON.parse(tty.lines[0]!));
  const pipe = capture();
  createLogger(LogConfigSchema.parse({}), { gatewayId: 'g' }, { destination: pipe.stream, isTty: false }).warn({ seq: 7 }, 'breaker open');
  assert.equal(JSON.parse(pipe.lines[0]!).level, 40);
});

it('the level filters, and unknown levels or formats are refused', () => {
  const { lines, stream } = capture();
  const log = createLogger(LogConfigSchema.parse({ level: 'warn', format: 'json' }), {}, { destination: stream });
  log.info('not shown');
  log.warn('shown');
  assert.deepEqual(lines.map((l) => JSON.parse(l).msg), ['shown']);
  assert.equal(LogConfigSchema.safeParse({ level: 'verbose' }).success, false);
  assert.equal(LogConfigSchema.safeParse({ format: 'text' }).success, false);
});
