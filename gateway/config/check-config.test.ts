import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../bench/temp-dir.js';
import { samplePayload, SAMPLE_UTI } from '../catalogue/sample-events.js';
import { ConfigError } from '../errors.js';
import { explainEventsFile } from './check-config.js';
import { loadConfig } from './load-config.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const event = (eventId: string, type: string, version: number, payload: Record<string, unknown>) => ({
  eventId, type, version, occurredAt: '2026-11-02T09:30:00Z', source: 'oms-1', aggregateId: SAMPLE_UTI, payload,
});

function run(config: string, events?: unknown): { code: number; stdout: string; stderr: string } {
  const dir = tempDir('check-config-');
  writeFileSync(join(dir, 'c.yaml'), config);
  if (events !== undefined) {
    writeFileSync(join(dir, 'events.json'), JSON.stringify(events));
  }
  // What `edge-gateway check-config -c FILE --explain EVENTS` does (gateway/cli/check-config-command.ts).
  try {
    const config = loadConfig({ file: join(dir, 'c.yaml') });
    return { code: 0, stdout: events === undefined ? '' : explainEventsFile(config, join(dir, 'events.json'), NOW).text, stderr: '' };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { code: 2, stdout: '', stderr: err.message };
  }
}

const RULES = `routing:
  rules:
    - { name: rates, match: { type: [TradeConfirmed], payload: { assetClass: [IR] } }, topic: rates, priority: critical }
  topics: { ValuationReported: valuations }
`;

describe('edge-gateway check-config --explain', () => {
  it('shows for each sample event whether it is taken, which rule it hits and why the earlier ones did not', () => {
    const r = run(RULES, [
      event('ir', 'TradeConfirmed', 1, { ...samplePayload('TradeConfirmed', 1), assetClass: 'IR' }),
      event('eq', 'TradeConfirmed', 1, samplePayload('TradeConfirmed', 1)),
      event('val', 'ValuationReported', 1, samplePayload('ValuationReported', 1)),
      event('bad', 'TradeConfirmed', 1, { ...samplePayload('TradeConfirmed', 1), venue: 'x' }),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').slice(1), [
      'event [0] ir',
      `  accepted: TradeConfirmed v1, source oms-1, key ${SAMPLE_UTI}`,
      "  -> rules.0 'rates' matches: topic rates, priority critical",
      'event [1] eq',
      `  accepted: TradeConfirmed v1, source oms-1, key ${SAMPLE_UTI}`,
      '  skip rules.0 \'rates\': payload.assetClass "EQ" not in ["IR"]',
      '  skip topics.ValuationReported: type TradeConfirmed not in [ValuationReported]',
      "  -> defaultTopic 'default' matches: topic trade-events, priority normal",
      'event [2] val',
      `  accepted: ValuationReported v2 (sent as v1, upcast), source oms-1, key ${SAMPLE_UTI}`,
      '  skip rules.0 \'rates\': type ValuationReported not in [TradeConfirmed]; payload.assetClass undefined not in ["IR"]',
      '  -> topics.ValuationReported matches: topic valuations, priority normal',
      'event [3] bad',
      '  rejected: 1 error(s), it would not be routed',
      '    $.payload.venue invalid_mic: must be a MIC: 4 characters A-Z 0-9 (ISO 10383), XOFF off-venue, XXXX unknown',
    ]);
  });

  it('exits 2 with every problem of a wrong routing section', () => {
    const r = run(`routing:
  rules:
    - { name: all, match: {}, topic: everything }
    - { name: rates, match: { payload: { asset_class: [IR] } }, topic: rates }
`);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /routing\.rules\.1\.match\.payload\.asset_class: unknown field path/);
    assert.match(r.stderr, /routing\.rules\.1: unreachable: every event it matches is taken by the earlier rule 'all'/);
  });
});
