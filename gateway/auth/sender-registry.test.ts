import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { tempDir } from '../../bench/temp-dir.js';
import { ConfigError, GatewayError } from '../errors.js';
import { AuthConfigSchema, openListenProblem } from './auth-config.js';
import { sourceNotAllowed, SenderRegistry } from './sender-registry.js';

const log = pino({ level: 'silent' });
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const req = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization }, method: 'POST', url: '/v1/events', socket: { remoteAddress: '127.0.0.1' } }) as never;

function tokenFile(token: string, mode = 0o600): string {
  const file = join(tempDir('sender-token-'), 'token');
  writeFileSync(file, `${token}\n`);
  chmodSync(file, mode);
  return file;
}

function registry(senders: unknown[]): SenderRegistry {
  return new SenderRegistry(AuthConfigSchema.parse({ senders }), { log });
}

describe('SenderRegistry', () => {
  it('finds the sender of a token from a file or a digest, and refuses none, a wrong one or a malformed header with 401 unauthenticated', () => {
    const r = registry([
      { name: 'oms-1', tokenFile: tokenFile('oms-secret'), sources: ['oms-1'] },
      { name: 'booking', tokenSha256: sha('booking-secret'), sources: ['booking-eu', 'booking-us'] },
    ]);
    assert.equal(r.authenticate(req('Bearer oms-secret')).name, 'oms-1');
    assert.equal(r.authenticate(req('bearer booking-secret')).name, 'booking');
    for (const h of [undefined, 'Bearer wrong', 'Basic b21zLXNlY3JldA==', 'Bearer oms-secret2', 'Bearer ']) {
      assert.throws(() => r.authenticate(req(h)), (e: unknown) => e instanceof GatewayError && e.code === 'unauthenticated' && e.kind === 'unauthorized' && !e.message.includes('secret'));
    }
    assert.equal(r.health().failedAuthentications, 5);
    assert.deepEqual(r.health().failuresByReason, { no_token: 1, wrong_token: 2, malformed_authorization: 2 });
  });

  it('refuses to start on a token file others may read, naming the key and the file, not the token', () => {
    const file = tokenFile('leaky-secret', 0o644);
    assert.throws(() => registry([{ name: 'a', tokenFile: file, sources: ['a'] }]), (e: unknown) =>
      e instanceof ConfigError && e.problems[0]!.includes('auth.senders[0].tokenFile') && e.problems[0]!.includes(file) && /readable by others/.test(e.problems[0]!) && !e.message.includes('leaky'));
    assert.throws(() => registry([{ name: 'a', tokenFile: tokenFile('  \n'), sources: ['a'] }]), /is empty/);
    assert.throws(() => registry([{ name: 'a', tokenFile: '/nonexistent/token', sources: ['a'] }]), /cannot read \/nonexistent\/token/);
  });

  it('refuses two senders with the same token', () => {
    assert.throws(() => registry([{ name: 'a', tokenSha256: sha('t'), sources: ['a'] }, { name: 'b', tokenFile: tokenFile('t'), sources: ['b'] }]), /a and b have the same token/);
  });
});

describe('the auth config', () => {
  it('takes a token only from a file or as a digest (never in clear, not both), or a client certificate name', () => {
    const problems = (s: unknown) => AuthConfigSchema.safeParse({ senders: [s] }).error?.issues.map((i) => i.message).join('; ') ?? '';
    assert.match(problems({ name: 'a', token: 'clear', sources: ['a'] }), /Unrecognized key/);
    assert.match(problems({ name: 'a', sources: ['a'] }), /give a credential: tokenFile or tokenSha256/);
    assert.match(problems({ name: 'a', tokenFile: '/x', tokenSha256: sha('x'), sources: ['a'] }), /not both/);
    assert.equal(problems({ name: 'a', clientCertificate: 'oms.example', sources: ['a'] }), '', 'mutual TLS alone is a credential');
    assert.match(problems({ name: 'a', tokenSha256: 'abc', sources: ['a'] }), /64 hex digits/);
    assert.match(problems({ name: 'a', tokenSha256: sha('x'), sources: [] }), /too_small|at least|>=1/i);
    assert.equal(problems({ name: 'a', tokenSha256: sha('x'), sources: ['a'] }), '');
    assert.match(AuthConfigSchema.safeParse({ senders: [{ name: 'a', tokenSha256: sha('x'), sources: ['a'] }, { name: 'a', tokenSha256: sha('y'), sources: ['a'] }] }).error!.message, /unique/);
  });

  it('lets intake listen beyond loopback only with senders configured', () => {
    for (const l of ['127.0.0.1:8080', 'localhost:1', '[::1]:8080', '127.1.2.3:0']) assert.equal(openListenProblem(l, false), undefined, l);
    for (const l of ['0.0.0.0:8080', '[::]:8080', '192.0.2.10:8080', 'gw.example:8080']) assert.match(openListenProblem(l, false) ?? '', /not a loopback address/, l);
    assert.equal(openListenProblem('0.0.0.0:8080', true), undefined);
  });
});

describe('sourceNotAllowed', () => {
  it('rejects an event whose source the sender may not use, at $.source', () => {
    const sender = { name: 'booking', sources: new Set(['booking-eu']) };
    assert.equal(sourceNotAllowed(sender, 'booking-eu'), undefined);
    assert.deepEqual(sourceNotAllowed(sender, 'oms-1'), { path: '$.source', code: 'source_not_allowed', message: "sender 'booking' may not send as source 'oms-1'; it may use: booking-eu" });
  });
});

describe('listeners beyond loopback (the whole config)', () => {
  it('refuses intake beyond loopback without senders or mutual TLS, and the admin listener without mutual TLS', async () => {
    const { GatewayConfigSchema } = await import('../config/config-schema.js');
    const problems = (c: unknown) => GatewayConfigSchema.safeParse(c).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    assert.deepEqual(problems({}), []);
    assert.match(problems({ http: { listen: '0.0.0.0:8080' } }).join(), /^http\.listen: 0\.0\.0\.0:8080 is not a loopback address/);
    assert.deepEqual(problems({ http: { listen: '0.0.0.0:8080' }, auth: { senders: [{ name: 'a', tokenSha256: sha('a'), sources: ['a'] }] } }), []);
    assert.deepEqual(problems({ http: { listen: '0.0.0.0:8080', tls: { certFile: 'c', keyFile: 'k', clientCaFile: 'ca' } } }), []);
    assert.match(problems({ admin: { listen: '0.0.0.0:8081' } }).join(), /^admin\.listen: .*configure admin\.tls with clientCaFile/);
    assert.match(problems({ admin: { listen: '0.0.0.0:8081', tls: { certFile: 'c', keyFile: 'k' } } }).join(), /^admin\.listen/);
    assert.deepEqual(problems({ admin: { listen: '0.0.0.0:8081', tls: { certFile: 'c', keyFile: 'k', clientCaFile: 'ca' } } }), []);
    assert.deepEqual(problems({ admin: { listen: '/run/edge-gateway/admin.sock' } }), []);
    assert.match(problems({ auth: { senders: [{ name: 'a', clientCertificate: 'a.example', sources: ['a'] }] } }).join(), /clientCertificate: needs http\.tls\.clientCaFile/);
  });
});
