import { tmpdir } from 'node:os';
import { z } from 'zod';

export const STEPS = ['L1', 'L2', 'L3', 'L4', 'S1', 'S2', 'S3', 'S4', 'S5', 'P1', 'P2'] as const;
export type Step = (typeof STEPS)[number];

const sizes = z.strictObject({
  /** L1: rows inserted by bare SQLite. */
  l1Rows: z.number().int().positive(),
  /** L2: records sent by the bare producer. */
  l2Records: z.number().int().positive(),
  /** L3: one-event requests answered by the bare HTTP server. */
  l3Requests: z.number().int().positive(),
  /** S1: events sent in batches of 100 (rounded up to whole batches). */
  s1Events: z.number().int().positive(),
  /** S2: events sent one per request. */
  s2Events: z.number().int().positive(),
  /** S3 (and L4, its bare TCP echo): TradeCaptureReports streamed over one FIX session. */
  s3Reports: z.number().int().positive(),
  /** S4: events in the WAL when the bus comes back. */
  s4Backlog: z.number().int().positive(),
  /** S5: how long the fixed load is offered. */
  s5DurationMs: z.number().int().positive(),
  /** P1: events rsyslog forwards with its memory-first queue. */
  p1Events: z.number().int().positive(),
  /** P2: events rsyslog forwards with its durable disk queue (about 1,000-2,000 events/s). */
  p2Events: z.number().int().positive(),
});
export type BenchSizes = z.infer<typeof sizes>;

/** `--quick`: an admin's check, under a minute. Figures are noisier; S4's backlog is smaller. */
export const QUICK: BenchSizes = {
  l1Rows: 200_000, l2Records: 50_000, l3Requests: 10_000,
  s1Events: 50_000, s2Events: 10_000, s3Reports: 20_000, s4Backlog: 50_000, s5DurationMs: 3_000, p1Events: 50_000, p2Events: 5_000,
};
/** The full run: under ten minutes; S4 drains the 1,000,000-event backlog the issue asks for. */
export const FULL: BenchSizes = {
  l1Rows: 1_000_000, l2Records: 1_000_000, l3Requests: 200_000,
  s1Events: 1_000_000, s2Events: 200_000, s3Reports: 200_000, s4Backlog: 1_000_000, s5DurationMs: 20_000, p1Events: 200_000, p2Events: 20_000,
};

export const BenchConfigSchema = z.strictObject({
  mode: z.enum(['quick', 'full', 'custom']).default('full'),
  /** Real Kafka bootstrap (`KAFKA_BROKERS`); empty: the gateway's embedded bus. */
  brokers: z.string().default(''),
  /** Where WALs and L1's database go: the disk under test. */
  walDir: z.string().min(1).default(tmpdir()),
  synchronous: z.enum(['full', 'normal']).default('full'),
  outDir: z.string().min(1).default('bench/results'),
  only: z.array(z.enum(STEPS)).default([...STEPS]),
  sizes: sizes.default(FULL),
  http: z
    .strictObject({
      /** S1: 100-event requests in flight (one per connection). */
      batchConnections: z.number().int().positive().default(16),
      /** S2, L3: connections and requests pipelined on each. */
      singleConnections: z.number().int().positive().default(64),
      singlePipelining: z.number().int().positive().default(1),
      /** S3, L4: TradeCaptureReports sent and not yet answered, at most. */
      fixWindow: z.number().int().positive().default(1000),
    })
    .prefault({}),
  /** Extra EDGE_GATEWAY_* settings for every gateway the suite starts (e.g. to compare pool settings). */
  gatewayEnv: z.record(z.string(), z.string()).default({}),
  /** Another build of the gateway to measure (its `cli.js`), e.g. to compare before and after a change. */
  gatewayCli: z.string().optional(),
  /** Extra node flags for the gateway process, e.g. `--cpu-prof --cpu-prof-dir=prof`. */
  gatewayNodeArgs: z.array(z.string()).default([]),
  /** Keep each gateway's log (its stdout, JSON lines) in this folder, one file per scenario. */
  gatewayLogDir: z.string().min(1).optional(),
});
export type BenchConfig = z.infer<typeof BenchConfigSchema>;
