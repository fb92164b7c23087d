import fc from 'fast-check';

/**
 * fast-check arbitraries for JSON *text* as a sender may write it: I-JSON (unique names, valid
 * Unicode) but with everything a re-serialising gateway would change: numbers a double cannot
 * hold or prints differently (9007199254740993, 1e400, 100.50, -0, 1E+2), escapes (`\u00e9`,
 * `\/`), whitespace between tokens, and member names that mean something to JavaScript objects.
 */

/** Names that collide with Object.prototype or are special to JSON.parse / object spread. */
const TRICKY_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', '', ' ', 'payload', 'eventId', '0', '-1', '1e3'];

/** Numbers at the limits, as text: each survives only if the text is kept. */
const EDGE_NUMBERS = [
  '9007199254740993', '-9007199254740993', '123456789012345678901234567890', '1e400', '-1e400', '1e-400', '100.50', '0.10',
  '-0', '-0.0', '0e0', '1E+2', '1e-2', '5e-324', '2.4703282292062328e-324', '1.7976931348623157e308', '1.7976931348623159e308',
  '0.1', '0.30000000000000004', '18446744073709551616', '12345678901234567.890123456789',
];

const ws = fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n  ');

/** A number as JSON text (RFC 8259 section 6 grammar). */
export const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...EDGE_NUMBERS),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc
    .tuple(fc.boolean(), fc.stringMatching(/^(0|[1-9][0-9]{0,25})$/), fc.stringMatching(/^[0-9]{1,20}$/), fc.option(fc.integer({ min: -400, max: 400 })))
    .map(([neg, int, frac, exp]) => `${neg ? '-' : ''}${int}.${frac}${exp === null ? '' : `e${exp}`}`),
);

/** Any Unicode string (no lone surrogates: those are not I-JSON), written with a random mix of escapes. */
const stringValue = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ maxLength: 12 }), fc.constantFrom(...TRICKY_NAMES));

export const stringText: fc.Arbitrary<string> = fc.tuple(stringValue, fc.constantFrom('plain', 'ascii', 'solidus')).map(([s, style]) => {
  const json = JSON.stringify(s);
  if (style === 'plain') return json;
  if (style === 'solidus') return json.replace(/\//g, '\\/');
  // Every non-ASCII UTF-16 unit as a \u escape (astral characters as surrogate pairs).
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
});

/** A JSON value as text; containers nest up to `depth`; object names are unique after unescaping. */
export const valueText: fc.Arbitrary<string> = fc.letrec<{ value: string; object: string; array: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, numberText, stringText, fc.constantFrom('true', 'false', 'null'), tie('array'), tie('object')),
  array: fc.array(fc.tuple(ws, tie('value'), ws), { maxLength: 5 }).map((items) => `[${items.map(([a, v, b]) => a + v + b).join(',')}]`),
  object: fc
    .uniqueArray(fc.tuple(stringText, ws, tie('value')), { maxLength: 6, selector: ([name]) => JSON.parse(name) as string })
    .map((members) => `{${members.map(([name, w, v]) => `${w}${name}${w}:${w}${v}`).join(',')}}`),
})).value;

/** A payload: a JSON object as text. */
export const payloadText: fc.Arbitrary<string> = fc
  .uniqueArray(fc.tuple(stringText, ws, valueText), { maxLength: 8, selector: ([name]) => JSON.parse(name) as string })
  .map((members) => `{${members.map(([name, w, v]) => `${w}${name}:${w}${v}${w}`).join(',')}}`);
