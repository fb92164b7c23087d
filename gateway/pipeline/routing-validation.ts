import { CATALOGUE } from '../catalogue/catalogue.js';
import { currentVersion } from '../catalogue/catalogue-entry.js';
import { currentPayloadPaths } from '../catalogue/field-paths.js';
import type { EffectiveRule, RouteMatch } from './route-rule.js';

/**
 * Pure: what is wrong with a list of routing rules, checked at start-up: a payload path no
 * catalogue type has (a typo would silently never match), a version the bus never sees for a
 * catalogue type (events are routed after upcasting), and a rule an earlier rule shadows
 * (unreachable). Types outside the catalogue (passed through) cannot be checked for paths.
 */
export function routingProblems(rules: readonly EffectiveRule[]): Array<{ path: Array<string | number>; message: string }> {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  const paths = currentPayloadPaths();
  rules.forEach((rule, i) => {
    const types = rule.match.type ?? [...CATALOGUE.keys()];
    const known = types.map((t) => paths.get(t)).filter((p) => p !== undefined);
    for (const path of Object.keys(rule.match.payload ?? {})) {
      if (known.length > 0 && !known.some((p) => p.has(path))) {
        problems.push({ path: [...rule.at, 'match', 'payload', path], message: `unknown field path: no ${rule.match.type ? rule.match.type.join('/') : 'catalogue'} payload has '${path}'` });
      }
    }
    if (rule.match.type && rule.match.version && rule.match.type.every((t) => CATALOGUE.has(t))) {
      const current = rule.match.type.map((t) => currentVersion(CATALOGUE.get(t)!).version);
      if (!current.some((v) => rule.match.version!.includes(v))) {
        problems.push({ path: [...rule.at, 'match', 'version'], message: `unreachable: events are routed in their current version (${current.join(', ')}) after upcasting` });
      }
    }
    const shadow = rules.slice(0, i).find((earlier) => covers(earlier.match, rule.match));
    if (shadow && i < rules.length - 1) {
      problems.push({ path: rule.at, message: `unreachable: every event it matches is taken by the earlier rule '${shadow.name}'` });
    }
  });
  return problems;
}

/** Pure: whether every event that `b` matches is also matched by `a`. */
export function covers(a: RouteMatch, b: RouteMatch): boolean {
  const list = <T>(x: T[] | undefined, y: T[] | undefined) => x === undefined || (y !== undefined && y.every((v) => x.includes(v)));
  if (!list(a.type, b.type) || !list(a.version, b.version) || !list(a.source, b.source)) return false;
  return Object.entries(a.payload ?? {}).every(([path, values]) => list(values, b.payload?.[path]));
}
