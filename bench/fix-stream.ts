import { connect } from 'node:net';
import { encodeMessage, utcTimestamp } from '../gateway/sources/fix/codec/fix-encoder.js';
import { FixParser } from '../gateway/sources/fix/codec/fix-parser.js';
import { tradeCaptureReport } from './fix-messages.js';
import { Samples, type Percentiles } from './percentiles.js';

export interface StreamResult {
  messages: number;
  startedAt: number;
  endedAt: number;
  ackLatencyMs: Percentiles;
}

/** The TradeCaptureReports S3 sends (and its echo baseline sends, byte for byte): seq 2.. after a Logon at seq 1. */
export function buildReports(runId: string, count: number): { logon: Buffer; reports: Buffer[] } {
  const now = Date.now();
  const header = (msgType: string, seq: number) => [
    { tag: 35, value: msgType }, { tag: 49, value: 'OMS1' }, { tag: 56, value: 'GATEWAY' }, { tag: 34, value: String(seq) }, { tag: 52, value: utcTimestamp(now) },
  ];
  const logon = encodeMessage('FIX.4.4', [...header('A', 1), { tag: 98, value: '0' }, { tag: 108, value: '30' }, { tag: 141, value: 'Y' }]);
  const reports = Array.from({ length: count }, (_, i) => encodeMessage('FIX.4.4', [...header('AE', i + 2), ...tradeCaptureReport(`${runId}-${i}`, { at: now })]));
  return { logon, reports };
}

/**
 * One FIX session's worth of streaming: the Logon, then every report as fast as the window lets
 * (at most `window` unanswered), each answered by the next frame back that is not an admin message
 * (an AR from the gateway; the echo of itself from the bare TCP baseline: both come back in order).
 * Latency: from writing a report to reading its answer.
 */
export async function streamReports(port: number, msgs: { logon: Buffer; reports: Buffer[] }, window: number, expectLogon: boolean): Promise<StreamResult> {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const sentAt = new Float64Array(msgs.reports.length);
  const latency = new Samples();
  let answered = 0;
  let sent = 0;
  let loggedOn = !expectLogon;
  let startedAt = 0;
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const pump = () => {
    let chunk: Buffer[] = [];
    while (sent < msgs.reports.length && sent - answered < window) {
      sentAt[sent] = performance.now();
      chunk.push(msgs.reports[sent++]!);
      if (chunk.length === 64) (socket.write(Buffer.concat(chunk)), (chunk = []));
    }
    if (chunk.length) socket.write(Buffer.concat(chunk));
  };
  const parser = new FixParser({ maxBodyBytes: 1 << 20, beginString: 'FIX.4.4' }, {
    frame: (b) => {
      const type = /\x0135=([^\x01]*)\x01/.exec(b.toString('latin1', 0, 40))?.[1];
      if (!loggedOn) {
        if (type !== 'A') return fail(new Error(`expected a Logon answer, got 35=${type}`));
        loggedOn = true;
        startedAt = Date.now();
        return pump();
      }
      if (type !== 'AE' && type !== 'AR') return; // heartbeats and the like
      if (type === 'AR' && !b.includes('\x01939=0\x01')) return fail(new Error(`a report was not accepted: ${b.toString('latin1').replace(/\x01/g, '|')}`));
      latency.push(performance.now() - sentAt[answered++]!);
      if (answered === msgs.reports.length) finish();
      else pump();
    },
    garbled: (reason) => fail(new Error(`garbled answer: ${reason}`)),
  });
  socket.on('data', (c: Buffer) => parser.parse(c));
  socket.on('close', () => fail(new Error(`connection closed after ${answered} answers`)));
  socket.on('error', (err) => fail(err));
  if (expectLogon) socket.write(msgs.logon);
  else {
    startedAt = Date.now();
    pump();
  }
  // A gateway that stops answering without closing fails the run instead of hanging it.
  socket.setTimeout(30_000, () => fail(new Error(`no answer for 30 s after ${answered} answers`)));
  try {
    await done;
  } finally {
    socket.removeAllListeners('close');
    socket.destroy();
  }
  const endedAt = Date.now();
  return { messages: answered, startedAt, endedAt, ackLatencyMs: latency.percentiles() };
}
