/**
 * librdkafka's statistics (`statistics.interval.ms`, emitted as JSON once per interval) cut down
 * to what says where a producer's time goes: one compact log line. Field names are librdkafka's
 * (STATISTICS.md of librdkafka); its latency windows are in microseconds, hence the `_us` suffix.
 * The windows (`int_latency`, `rtt`, `batchsize`, ...) cover the last interval only; `tx`,
 * `txmsgs` are totals since the client started.
 */

/** A librdkafka rolling window, as far as the summary reads it. */
interface Window {
  avg: number;
  p99: number;
  /** Values in the window (e.g. batches sent in the interval, for `batchsize`). */
  cnt: number;
}

/** The parts of librdkafka's statistics JSON the summary reads (it holds much more). */
export interface LibrdkafkaStatistics {
  /** librdkafka's monotonic clock, microseconds. */
  ts: number;
  /** Messages in the producer's queues, waiting to be sent or for their acknowledgement. */
  msg_cnt: number;
  /** Requests sent to brokers (total). */
  tx: number;
  /** Messages sent to brokers (total). */
  txmsgs: number;
  brokers: Record<string, {
    /** Requests waiting to be sent. */
    outbuf_cnt: number;
    /** Requests sent, awaiting their response: the in-flight requests. */
    waitresp_cnt: number;
    /** Messages in those in-flight requests. */
    waitresp_msg_cnt: number;
    /** Time a message waits in the producer's queue before it is put in a request, us. */
    int_latency: Window;
    /** Time a request waits to be sent, us. */
    outbuf_latency: Window;
    /** Broker round trip of a request, us. */
    rtt: Window;
  }>;
  topics: Record<string, {
    /** Bytes per batch (MessageSet). */
    batchsize: Window;
    /** Messages per batch. */
    batchcnt: Window;
  }>;
}

const avgP99 = (w: Window) => ({ avg: w.avg, p99: w.p99 });

/** The compact summary: per broker and per topic, plus the client's totals. */
export interface StatisticsSummary {
  msg_cnt: number;
  tx: number;
  txmsgs: number;
  /** Since the previous statistics, when given: its interval and the rates over it. */
  intervalMs?: number;
  txPerSec?: number;
  txmsgsPerSec?: number;
  brokers: Record<string, {
    outbuf_cnt: number;
    waitresp_cnt: number;
    waitresp_msg_cnt: number;
    int_latency_us: { avg: number; p99: number };
    outbuf_latency_us: { avg: number; p99: number };
    rtt_us: { avg: number; p99: number };
  }>;
  /** `batches`: batches sent in the interval. */
  topics: Record<string, { batchsize: { avg: number; p99: number }; batchcnt: { avg: number; p99: number }; batches: number }>;
}

/**
 * Summarises one statistics emission; with the previous one, also the interval and the request and
 * message rates over it. Pure; throws TypeError only if `stats` lacks the fields above (not
 * librdkafka's statistics).
 */
export function summariseStatistics(stats: LibrdkafkaStatistics, previous?: LibrdkafkaStatistics): StatisticsSummary {
  const brokers: StatisticsSummary['brokers'] = {};
  for (const [name, b] of Object.entries(stats.brokers)) {
    brokers[name] = {
      outbuf_cnt: b.outbuf_cnt,
      waitresp_cnt: b.waitresp_cnt,
      waitresp_msg_cnt: b.waitresp_msg_cnt,
      int_latency_us: avgP99(b.int_latency),
      outbuf_latency_us: avgP99(b.outbuf_latency),
      rtt_us: avgP99(b.rtt),
    };
  }
  const topics: StatisticsSummary['topics'] = {};
  for (const [name, t] of Object.entries(stats.topics)) {
    topics[name] = { batchsize: avgP99(t.batchsize), batchcnt: avgP99(t.batchcnt), batches: t.batchsize.cnt };
  }
  const seconds = previous ? (stats.ts - previous.ts) / 1e6 : 0;
  const rates = previous && seconds > 0
    ? {
      intervalMs: Math.round(seconds * 1000),
      txPerSec: Math.round((stats.tx - previous.tx) / seconds),
      txmsgsPerSec: Math.round((stats.txmsgs - previous.txmsgs) / seconds),
    }
    : {};
  return { msg_cnt: stats.msg_cnt, tx: stats.tx, txmsgs: stats.txmsgs, ...rates, brokers, topics };
}
