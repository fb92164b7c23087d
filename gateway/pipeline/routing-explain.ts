import type { FieldError } from '../errors.js';
import type { Router } from './routing.js';
import { validateEvent, type CatalogueConfig } from './validate-event.js';

/**
 * Pure (the clock is passed in): for each sample event, whether the gateway would take it (envelope
 * and catalogue checks; not the lifecycle, which depends on the log) and which routing rule it hits
 * and why: every rule before it with the conditions the event failed. Lines of plain text.
 */
export function explainRouting(events: readonly unknown[], deps: { router: Pick<Router, 'explain'>; catalogue: CatalogueConfig; now: number }): string[] {
  const lines: string[] = [];
  events.forEach((input, i) => {
    const checked = validateEvent(input, deps.catalogue, deps.now);
    const id = (input as { eventId?: unknown } | null)?.eventId;
    lines.push(`event [${i}]${typeof id === 'string' ? ` ${id}` : ''}`);
    if (!checked.ok) {
      lines.push(`  rejected: ${checked.errors.length} error(s), it would not be routed`, ...checked.errors.map(errorLine));
      return;
    }
    const e = checked.event;
    const sent = (input as { version?: unknown }).version;
    const upcast = sent !== e.version ? ` (sent as v${String(sent)}, upcast)` : '';
    lines.push(`  accepted: ${e.type} v${e.version}${upcast}, source ${e.source}, key ${e.aggregateId}`);
    for (const step of deps.router.explain(e)) {
      const at = step.rule.at.join('.');
      const where = at === step.rule.name ? at : `${at} '${step.rule.name}'`;
      if (step.failed.length === 0) {
        lines.push(`  -> ${where} matches: topic ${step.rule.topic}, priority ${step.rule.priority}`);
      } else {
        lines.push(`  skip ${where}: ${step.failed.join('; ')}`);
      }
    }
  });
  return lines;
}

const errorLine = (e: FieldError) => `    ${e.path} ${e.code}: ${e.message}`;
