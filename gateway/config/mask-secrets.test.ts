import assert from 'node:assert/strict';
import { it } from 'node:test';
import { maskSecrets } from './mask-secrets.js';

it('masks secret values at any depth, not paths to them nor other keys', () => {
  const config = {
    admin: { listen: '127.0.0.1:8081', tokenFile: '/run/credentials/admin-token' },
    kafka: { brokers: ['b:9092'], producer: { 'sasl.password': 'hunter2', 'ssl.key.password': 'x', 'ssl.key.location': '/etc/k.pem', 'sasl.oauthbearer.client.secret': 's', 'linger.ms': 5 } },
  };
  assert.deepEqual(maskSecrets(config), {
    admin: { listen: '127.0.0.1:8081', tokenFile: '/run/credentials/admin-token' },
    kafka: { brokers: ['b:9092'], producer: { 'sasl.password': '***', 'ssl.key.password': '***', 'ssl.key.location': '/etc/k.pem', 'sasl.oauthbearer.client.secret': '***', 'linger.ms': 5 } },
  });
  assert.equal(config.kafka.producer['sasl.password'], 'hunter2', 'the input is unchanged');
});
