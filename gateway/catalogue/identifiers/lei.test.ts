import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leiProblem, mod97 } from './lei.js';

describe('LEI (ISO 17442, ISO 7064 MOD 97-10)', () => {
  // Published LEIs (GLEIF): Apple Inc., Deutsche Bank AG, Deutsche Börse AG, and the domain reference's example.
  for (const lei of ['HWUPKR0MPOU8FGXBT394', '7LTWFZYICNSX8D621K86', '529900T8BM49AURSDO55', '5493001KJTIIGC8Y1R12']) {
    it(`accepts ${lei}`, () => assert.equal(leiProblem(lei), undefined));
  }
  it('rejects a wrong check digit, a swapped pair, lower case, wrong lengths and letters in the check digits', () => {
    for (const bad of ['HWUPKR0MPOU8FGXBT395', 'HWUPKR0MPOU8FGXBT349', 'WHUPKR0MPOU8FGXBT394', 'hwupkr0mpou8fgxbt394', 'HWUPKR0MPOU8FGXBT39', 'HWUPKR0MPOU8FGXBT3944', 'HWUPKR0MPOU8FGXBT3A4']) {
      assert.notEqual(leiProblem(bad), undefined, bad);
    }
  });
  it('computes MOD 97-10 piecewise like a big integer would', () => {
    const s = '7LTWFZYICNSX8D621K86';
    const digits = [...s].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join('');
    assert.equal(mod97(s), Number(BigInt(digits) % 97n));
    assert.equal(mod97(s), 1);
  });
});
