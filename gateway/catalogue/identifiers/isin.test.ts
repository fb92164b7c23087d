import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isinProblem, luhnValid } from './isin.js';

describe('ISIN (ISO 6166, Luhn)', () => {
  // Apple, SAP, BAE Systems, Microsoft, and one with letters in the national part.
  for (const isin of ['US0378331005', 'DE0007164600', 'GB0002634946', 'US5949181045', 'AU0000XVGZA3']) {
    it(`accepts ${isin}`, () => assert.equal(isinProblem(isin), undefined));
  }
  it('rejects wrong check digits, transposed digits, bad country codes and lengths', () => {
    for (const bad of ['US0378331006', 'US0387331005', 'U50378331005', 'us0378331005', 'US037833100', 'US03783310055', 'US037833100A']) {
      assert.notEqual(isinProblem(bad), undefined, bad);
    }
  });
  it('runs Luhn over the digit string', () => {
    assert.equal(luhnValid('79927398713'), true);
    assert.equal(luhnValid('79927398710'), false);
  });
});
