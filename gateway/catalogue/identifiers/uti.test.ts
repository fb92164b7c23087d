import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { upiProblem, utiProblem } from './uti.js';

describe('UTI (ISO 23897) and UPI (ISO 4914)', () => {
  it('accepts a valid LEI prefix with 0 to 32 more characters (52 in all)', () => {
    assert.equal(utiProblem('5493001KJTIIGC8Y1R12'), undefined);
    assert.equal(utiProblem('5493001KJTIIGC8Y1R12T0001'), undefined);
    assert.equal(utiProblem(`HWUPKR0MPOU8FGXBT394${'A1'.repeat(16)}`), undefined);
  });
  it('rejects a prefix failing the LEI check, more than 52 characters, lower case, punctuation and a 42-character USI', () => {
    assert.match(utiProblem('5493001KJTIIGC8Y1R13T0001')!, /prefix is not a valid LEI/);
    assert.notEqual(utiProblem(`HWUPKR0MPOU8FGXBT394${'A'.repeat(33)}`), undefined);
    assert.notEqual(utiProblem('5493001KJTIIGC8Y1R12t0001'), undefined);
    assert.notEqual(utiProblem('5493001KJTIIGC8Y1R12-0001'), undefined);
    assert.notEqual(utiProblem('1030000001SWAP0000000000000000000000000001'), undefined); // a USI: 10-character CFTC namespace
  });
  it('checks a UPI for its format only', () => {
    assert.equal(upiProblem('QZ0123456789'), undefined);
    assert.notEqual(upiProblem('QZ012345678'), undefined);
    assert.notEqual(upiProblem('qz0123456789'), undefined);
  });
});
