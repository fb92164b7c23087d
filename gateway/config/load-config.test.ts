import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { describe, it } from 'node:test';
import { tempDir } from '../../bench/temp-dir.js';
import { ConfigError } from '../errors.js';
import { configKeyPaths, envName, loadConfig } from './load-config.js';

const file = (text: string) => {
  const p = join(tempDir('cfg-test-'), 'gw.yaml');
  writeFileSync(p, text);
  return p;
};
const problems = (f: () => unknown): string[] => {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected a ConfigError');
};

describe('configuration', () => {
  it('has embedded defaults for every key', () => {
    const c = loadConfig({ file: file(''), env: {} });
    assert.equal(c.gatewayId, 'edge-1');
    assert.equal(c.http.listen, '127.0.0.1:8080');
    assert.equal(c.http.maxBodyBytes, 4194304);
    assert.equal(c.http.maxEventsPerRequest, 10000);
    assert.equal(c.wal.synchronous, 'full');
    assert.deepEqual(c.kafka.brokers, []);
    assert.equal(c.routing.defaultTopic, 'trade-events');
    assert.equal(c.forwarder.breaker.resetTimeoutMs, 5000);
  });

  it('reads YAML and lets EDGE_GATEWAY_<KEY_PATH> override it', () => {
    const c = loadConfig({
      file: file('gatewayId: a\nhttp: { listen: 127.0.0.1:1, maxBodyBytes: 10 }\nkafka: { producer: { linger.ms: 1 } }\n'),
      env: {
        EDGE_GATEWAY_HTTP_LISTEN: '127.0.0.1:9090',
        EDGE_GATEWAY_KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19093',
        EDGE_GATEWAY_ROUTING_TOPICS: '{ValuationReported: valuations}',
        EDGE_GATEWAY_WAL_RETENTION_PERIOD_MS: '60000',
        EDGE_GATEWAY_FORWARDER_BREAKER_RESET_TIMEOUT_MS: '250',
        EDGE_GATEWAY_WAL_SYNCHRONOUS: 'normal',
        OTHER: 'ignored',
      },
    });
    assert.equal(c.gatewayId, 'a');
    assert.equal(c.http.listen, '127.0.0.1:9090');
    assert.equal(c.http.maxBodyBytes, 10);
    assert.deepEqual(c.kafka.brokers, ['127.0.0.1:19092', '127.0.0.1:19093']);
    assert.deepEqual(c.routing.topics, { ValuationReported: 'valuations' });
    assert.equal(c.wal.retention.periodMs, 60000);
    assert.equal(c.kafka.producer['linger.ms'], 1);
    assert.equal(c.forwarder.breaker.resetTimeoutMs, 250);
    assert.equal(c.wal.synchronous, 'normal');
  });

  it('is deeply frozen', () => {
    const c = loadConfig({ file: file(''), env: {} });
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.http) && Object.isFrozen(c.kafka.brokers));
  });

  it('lists every problem by key path', () => {
    const p = problems(() =>
      loadConfig({
        file: file('http: { listen: nowhere, extra: 1 }\nwal: { synchronous: sometimes }\nkafka: { brokers: [nohost], producer: { enable.idempotence: false } }\n'),
        env: { EDGE_GATEWAY_FORWARDER_BATCH_SIZE: 'many', EDGE_GATEWAY_TYPO: 'x' },
      }),
    );
    const keys = p.map((s) => s.split(':')[0]);
    for (const k of ['EDGE_GATEWAY_TYPO', 'http.listen', 'http.extra', 'wal.synchronous', 'kafka.brokers.0', 'kafka.producer.enable.idempotence', 'forwarder.batchSize']) {
      assert.ok(keys.includes(k), `${k} in ${JSON.stringify(p)}`);
    }
  });

  it('names each unknown key of the file by its path, with the nearest key or section', () => {
    const p = problems(() => loadConfig({ file: file('wal: { synchronus: full }\nlogg: { level: info }\nzzzzzzzzzz: 1\n'), env: {} }));
    assert.deepEqual(p.sort(), [
      'logg: not a configuration key; did you mean log?',
      'wal.synchronus: not a configuration key; did you mean wal.synchronous?',
      'zzzzzzzzzz: not a configuration key',
    ]);
  });

  it('takes a list written as one comma-separated string in the file, as the environment does', () => {
    const c = loadConfig({ file: file('kafka: { brokers: 127.0.0.1:9092 }\n'), env: {} });
    assert.deepEqual(c.kafka.brokers, ['127.0.0.1:9092']);
    const two = loadConfig({ file: file('kafka:\n  brokers: "127.0.0.1:9092, 127.0.0.1:9093"\n'), env: {} });
    assert.deepEqual(two.kafka.brokers, ['127.0.0.1:9092', '127.0.0.1:9093']);
  });

  it('suggests the nearest key for a misspelled environment variable, without listing them all', () => {
    const p = problems(() => loadConfig({ file: file(''), env: { EDGE_GATEWAY_KAFKA_BROKER: '127.0.0.1:9092' } }));
    assert.deepEqual(p, ['EDGE_GATEWAY_KAFKA_BROKER: not a configuration key; did you mean EDGE_GATEWAY_KAFKA_BROKERS?']);
    const far = problems(() => loadConfig({ file: file(''), env: { EDGE_GATEWAY_NOTHING_LIKE_ANY_KEY: '1' } }));
    assert.equal(far.length, 1);
    assert.doesNotMatch(far[0]!, /EDGE_GATEWAY_HTTP_LISTEN/, 'no dump of every key');
  });

  it('rejects an in-flight bound larger than librdkafka queue', () => {
    const p = problems(() => loadConfig({ file: file('forwarder: { maxInFlightEvents: 5000 }\nkafka: { producer: { queue.buffering.max.messages: 1000 } }\n'), env: {} }));
    assert.deepEqual(p.map((s) => s.split(':')[0]), ['forwarder.maxInFlightEvents']);
  });

  it('a FIX session bound to a sender needs that sender in auth.senders, allowed the source fix:<targetCompId>', () => {
    const sessions = (sender: string) => `fix: { sessions: [{ senderCompId: GATEWAY, targetCompId: OMS1, sender: ${sender} }] }\n`;
    const senders = `auth: { senders: [{ name: oms, tokenSha256: ${'a'.repeat(64)}, sources: [fix:OMS1] }, { name: other, tokenSha256: ${'b'.repeat(64)}, sources: [web] }] }\n`;
    assert.equal(loadConfig({ file: file(sessions('oms') + senders), env: {} }).fix.sessions[0]!.sender, 'oms');
    const missing = problems(() => loadConfig({ file: file(sessions('nobody') + senders), env: {} }));
    assert.deepEqual(missing.map((s) => s.split(':')[0]), ['fix.sessions.0.sender']);
    assert.match(missing[0]!, /no sender 'nobody' in auth\.senders/);
    const wrongSource = problems(() => loadConfig({ file: file(sessions('other') + senders), env: {} }));
    assert.deepEqual(wrongSource.map((s) => s.split(':')[0]), ['fix.sessions.0.sender']);
    assert.match(wrongSource[0]!, /must list 'fix:OMS1' in its sources/);
  });

  it('reports unreadable and malformed files', () => {
    assert.match(problems(() => loadConfig({ file: '/nonexistent/gw.yaml', env: {} }))[0]!, /ENOENT/);
    assert.match(problems(() => loadConfig({ file: file('a: [1, 2'), env: {} }))[0]!, /gw\.yaml/);
    assert.match(problems(() => loadConfig({ file: file('- 1\n- 2\n'), env: {} }))[0]!, /must be a YAML mapping/);
  });

  it('config/edge-gateway.yaml spells out exactly the embedded defaults: every key, every value', () => {
    const path = fileURLToPath(new URL('../../config/edge-gateway.yaml', import.meta.url));
    const defaults = loadConfig({ file: file(''), env: {} });
    assert.deepEqual(loadConfig({ file: path, env: {} }), defaults, 'the same values');
    // Every key written out, not left to its default (optional keys without a default are commented there).
    const keyPaths = (o: unknown, prefix = ''): string[] =>
      o && typeof o === 'object' && !Array.isArray(o) && Object.keys(o).length > 0
        ? Object.entries(o).flatMap(([k, v]) => keyPaths(v, `${prefix}${k}.`))
        : [prefix.slice(0, -1)];
    assert.deepEqual(keyPaths(parseYaml(readFileSync(path, 'utf8'))).sort(), keyPaths(defaults).sort());
  });

  it("README's configuration reference names every key", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const reference = readme.slice(readme.indexOf('### Configuration reference'), readme.indexOf('## The `edge-gateway` command'));
    const missing = configKeyPaths().filter((k) => !reference.includes(`\`${k}\``));
    assert.deepEqual(missing, [], 'keys missing from README.md "Configuration reference"');
  });

  it('names environment variables after the key path', () => {
    assert.equal(envName(['http', 'maxBodyBytes']), 'EDGE_GATEWAY_HTTP_MAX_BODY_BYTES');
    assert.equal(envName(['gatewayId']), 'EDGE_GATEWAY_GATEWAY_ID');
  });
});
