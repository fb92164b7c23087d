import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { GatewayConfigSchema, type GatewayConfig } from './config-schema.js';
import { nearestName } from './nearest-name.js';

export const DEFAULT_CONFIG_FILE = 'config/edge-gateway.yaml';
const ENV_PREFIX = 'EDGE_GATEWAY_';

/**
 * Reads the YAML file (the named one, else `config/edge-gateway.yaml` when present, else only the
 * embedded defaults), applies `EDGE_GATEWAY_<KEY_PATH>` overrides and validates the result.
 * Throws ConfigError listing every problem by key path. The result is deeply frozen.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): GatewayConfig {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const file = options.file ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  let raw: unknown = {};
  if (file !== undefined) {
    try {
      raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
    } catch (err) {
      const why = err instanceof YAMLParseError ? err.message : (err as Error).message;
      throw new ConfigError([`${file}: ${why}`]);
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError([`${file}: must be a YAML mapping`]);
  }
  const merged = applyEnv(splitListStrings(raw as Record<string, unknown>), env, problems);
  const result = GatewayConfigSchema.safeParse(merged);
  if (!result.success) {
    for (const i of result.error.issues) {
      if (i.code === 'unrecognized_keys') {
        // Each unknown key by its own path, with the nearest known key or section of a likely misspelling.
        for (const key of i.keys) {
          const path = [...i.path, key].join('.');
          const near = nearestName(path, knownPaths());
          problems.push(`${path}: not a configuration key${near ? `; did you mean ${near}?` : ''}`);
        }
      } else problems.push(`${i.path.join('.') || '(root)'}: ${i.message}`);
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return deepFreeze(result.data);
}

type LeafKind = 'string' | 'number' | 'boolean' | 'array' | 'record';

/** Every key path and every section path, dotted (`wal`, `wal.retention`, `wal.retention.periodMs`). */
function knownPaths(): string[] {
  const paths = new Set<string>();
  for (const p of configKeyPaths()) {
    const parts = p.split('.');
    for (let n = 1; n <= parts.length; n++) paths.add(parts.slice(0, n).join('.'));
  }
  return [...paths];
}

/** Every settable key path, dotted (`wal.retention.periodMs`); maps such as `routing.topics` are one key. */
export function configKeyPaths(): string[] {
  return leafPaths(GatewayConfigSchema).map((l) => l.path.join('.'));
}

/** Every settable key path of the schema, with the kind of value it takes. */
function leafPaths(schema: z.ZodType, prefix: string[] = []): Array<{ path: string[]; kind: LeafKind }> {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
      return leafPaths(def.innerType as z.ZodType, prefix);
    case 'object':
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
    case 'number':
      return [{ path: prefix, kind: 'number' }];
    case 'boolean':
      return [{ path: prefix, kind: 'boolean' }];
    case 'array':
      return [{ path: prefix, kind: 'array' }];
    case 'record':
      return [{ path: prefix, kind: 'record' }];
    default:
      return [{ path: prefix, kind: 'string' }];
  }
}

/** `routing.defaultTopic` -> `EDGE_GATEWAY_ROUTING_DEFAULT_TOPIC`. */
export function envName(path: readonly string[]): string {
  return ENV_PREFIX + path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, problems: string[]): Record<string, unknown> {
  const leaves = new Map(leafPaths(GatewayConfigSchema).map((l) => [envName(l.path), l]));
  const out = structuredClone(raw);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const leaf = leaves.get(name);
    if (!leaf) {
      const near = nearestName(name, leaves.keys());
      problems.push(`${name}: not a configuration key${near ? `; did you mean ${near}?` : ' (README.md, "Configuration reference", lists every key)'}`);
      continue;
    }
    let v: unknown;
    try {
      v = envValue(value, leaf.kind);
    } catch (err) {
      problems.push(`${leaf.path.join('.')} (from ${name}): ${(err as Error).message}`);
      continue;
    }
    let node = out;
    for (const k of leaf.path.slice(0, -1)) {
      if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[leaf.path[leaf.path.length - 1]!] = v;
  }
  return out;
}

/**
 * A list written as one string in the file (`brokers: 127.0.0.1:9092,127.0.0.1:9093`) is split at
 * commas, as the environment variable is: YAML reads `host:port` as a string, not a list.
 */
function splitListStrings(raw: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(raw);
  for (const leaf of leafPaths(GatewayConfigSchema)) {
    if (leaf.kind !== 'array') continue;
    let node: unknown = out;
    for (const k of leaf.path.slice(0, -1)) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[k] : undefined;
    const last = leaf.path[leaf.path.length - 1]!;
    if (typeof node === 'object' && node !== null && typeof (node as Record<string, unknown>)[last] === 'string') {
      const holder = node as Record<string, unknown>;
      holder[last] = envValue(holder[last] as string, 'array');
    }
  }
  return out;
}

function envValue(text: string, kind: LeafKind): unknown {
  switch (kind) {
    case 'number':
      return text.trim() === '' ? text : Number(text);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'array':
      return text.trim().startsWith('[') ? parseYaml(text) : text.split(',').map((s) => s.trim()).filter(Boolean);
    case 'record':
      return parseYaml(text);
    default:
      return text;
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
