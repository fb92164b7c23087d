import type { Outcome } from '../../pipeline/ingest.js';
import { ackFor, type Ack } from './mapping/trade-acks.js';
import { mapTrade, type MappingConfig } from './mapping/trade-mapping.js';
import { viewOf, type FixView } from './mapping/fix-view.js';
import type { Delivered } from './session/session-types.js';

/** One delivered trade message on its way: the event to submit (or why there is none). */
interface Planned {
  delivered: Delivered;
  view: FixView;
  /** Index into the submitted inputs, or the mapping's own outcome. */
  input: number | Outcome;
}

/**
 * The application layer between a session and the ingest: maps a batch of delivered AE/8 messages
 * to catalogue events (mapping/trade-mapping.ts), and turns the committed outcomes into acks in
 * message order. Pure; the connection submits the events and sends the acks.
 */
export function planBatch(delivered: readonly Delivered[], mapping: MappingConfig, session: { targetCompId: string }): { inputs: unknown[]; acks: (outcomes: readonly Outcome[]) => Ack[] } {
  const inputs: unknown[] = [];
  const plans: Planned[] = delivered.map((d) => {
    const view = viewOf(d.message.fields);
    const m = mapTrade(d.msgType as 'AE' | '8', view, mapping, session);
    if (!m.ok) return { delivered: d, view, input: { status: 'rejected', ...(m.eventId ? { eventId: m.eventId } : {}), errors: m.errors } };
    inputs.push(m.event);
    return { delivered: d, view, input: inputs.length - 1 };
  });
  return {
    inputs,
    acks: (outcomes) =>
      plans.flatMap((p) => {
        const outcome = typeof p.input === 'number' ? outcomes[p.input]! : p.input;
        const ack = ackFor(p.delivered.msgType as 'AE' | '8', p.delivered.seq, p.view, outcome);
        return ack ? [ack] : [];
      }),
  };
}
