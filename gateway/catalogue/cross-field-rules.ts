import type { FieldError } from '../errors.js';
import type { CatalogueEntry, Payload } from './catalogue-entry.js';

/**
 * Rules between fields of one payload (EMIR REFIT validation rules as applied by DTCC; ISO 20022
 * auth.030). Pure. They run on the payload as sent, also when other fields failed their own checks,
 * so a rejected event lists every problem; a rule whose fields are absent or malformed says nothing
 * (the field's own check reports that). Paths are JSON paths into the event.
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TS = /^\d{4}-\d{2}-\d{2}T/;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function crossFieldErrors(entry: CatalogueEntry, p: Payload): FieldError[] {
  const errors: FieldError[] = [];
  const actionType = str(p.actionType);
  if (actionType !== undefined && actionType !== entry.actionType) {
    errors.push({ path: '$.payload.actionType', code: 'action_type_mismatch', message: `a ${entry.type} is action type ${entry.actionType}, not ${actionType}` });
  }
  const effective = str(p.effectiveDate);
  const maturity = str(p.maturityDate);
  if (effective && maturity && DATE.test(effective) && DATE.test(maturity) && maturity < effective) {
    errors.push({ path: '$.payload.maturityDate', code: 'maturity_before_effective', message: `maturity date ${maturity} is before the effective date ${effective}` });
  }
  const executed = str(p.executedAt);
  const eventDate = str(p.eventDate);
  if (executed && eventDate && TS.test(executed) && DATE.test(eventDate) && eventDate < executed.slice(0, 10)) {
    errors.push({ path: '$.payload.eventDate', code: 'event_date_before_execution', message: `event date ${eventDate} is before the execution date ${executed.slice(0, 10)}` });
  }
  const valuationDate = str(p.valuationDate);
  if (valuationDate && eventDate && DATE.test(valuationDate) && DATE.test(eventDate) && valuationDate !== eventDate) {
    errors.push({ path: '$.payload.valuationDate', code: 'valuation_date_mismatch', message: `a valuation's date (${valuationDate}) must equal its event date (${eventDate})` });
  }
  return errors;
}
