import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CURRENCY_LIST_DATE, currencyProblem } from './currency.js';
import { AMOUNT, decimalProblem } from './decimal-amount.js';
import { micProblem } from './mic.js';

describe('currency (ISO 4217), MIC (ISO 10383), decimal amounts (ISO 20022)', () => {
  it('knows current currencies and rejects unknown or withdrawn ones', () => {
    for (const c of ['EUR', 'USD', 'JPY', 'CHF', 'GBP']) assert.equal(currencyProblem(c), undefined, c);
    for (const c of ['XYZ', 'DEM', 'eur', 'EURO']) assert.notEqual(currencyProblem(c), undefined, c);
    assert.match(CURRENCY_LIST_DATE, /^\d{4}-\d{2}-\d{2}$/);
  });
  it('takes 4-character MICs, XOFF and XXXX', () => {
    for (const m of ['XLON', 'XNYS', 'XOFF', 'XXXX']) assert.equal(micProblem(m), undefined, m);
    for (const m of ['XLO', 'xlon', 'XLONX', 'XL-N']) assert.notEqual(micProblem(m), undefined, m);
  });
  it('checks decimal strings: format, 25 digits, 5 after the point, sign', () => {
    assert.equal(decimalProblem('1250000.50', AMOUNT), undefined);
    assert.equal(decimalProblem('-0.00001', AMOUNT), undefined);
    assert.equal(decimalProblem(`${'9'.repeat(20)}.${'9'.repeat(5)}`, AMOUNT), undefined);
    assert.equal(decimalProblem(`${'9'.repeat(21)}.${'9'.repeat(5)}`, AMOUNT)?.code, 'decimal_out_of_range');
    assert.equal(decimalProblem('1.000001', AMOUNT)?.code, 'decimal_out_of_range');
    for (const bad of ['1e6', '+1', '1.', '.5', '1,5', ' 1', '', '0x10']) assert.equal(decimalProblem(bad, AMOUNT)?.code, 'invalid_decimal', bad);
    assert.equal(decimalProblem('0.00', { ...AMOUNT, sign: 'positive' })?.code, 'not_positive');
    assert.equal(decimalProblem('-1', { ...AMOUNT, sign: 'positive' })?.code, 'not_positive');
    assert.equal(decimalProblem('-1', { ...AMOUNT, sign: 'nonNegative' })?.code, 'negative');
    assert.equal(decimalProblem('0', { ...AMOUNT, sign: 'nonNegative' }), undefined);
  });
});
