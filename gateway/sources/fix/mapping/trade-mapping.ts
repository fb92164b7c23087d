import { parseUtcTimestamp } from '../codec/fix-encoder.js';
import type { FieldError } from '../../../errors.js';
import type { FieldDef } from '../session/data-dictionary.js';
import type { FixView, Party } from './fix-view.js';

/**
 * THE mapping of FIX trade messages onto catalogue events, as tables: which event type a message
 * becomes, and where each payload field comes from. README's "FIX" section documents the same table
 * tag by tag. Choices FIX 4.4 cannot express come from explicit tags named in the config (the UTI,
 * the action type that tells MODI from CORR and TERM from EROR, the asset class), never a guess.
 */

export interface MappingConfig {
  /** User-defined tag carrying the UTI (FIX 4.4 has none; 5.0 SP2 has RegulatoryTradeID 1903). */
  utiTag: number;
  /** User-defined tag carrying the ISO 20022 action type where FIX cannot tell (MODI/CORR, TERM/EROR, REVI). */
  actionTypeTag: number;
  /** User-defined tag carrying the asset class (IR, CR, EQ, FX, CO). */
  assetClassTag: number;
  /**
   * User-defined tag carrying the lifecycle event's date (LocalMktDate YYYYMMDD) of a MODI, CORR,
   * TERM or REVI: TradeDate 75 is the trade's date, not the event's, so FIX 4.4 has no tag for it.
   */
  eventDateTag: number;
  /** PartyRole (452) of the reporting counterparty and of the other counterparty (LEIs: PartyIDSource 447=N). */
  reportingPartyRole: string;
  counterpartyPartyRole: string;
}

/** Event type by ISO 20022 action type (catalogue names). */
export const EVENT_TYPE_OF_ACTION = {
  NEWT: 'TradeConfirmed', MODI: 'TradeAmended', CORR: 'TradeCorrected', TERM: 'TradeTerminated', EROR: 'TradeCancelled', REVI: 'TradeRevived',
} as const;
export type MappedAction = keyof typeof EVENT_TYPE_OF_ACTION;

/**
 * The user-defined tags this mapping reads, for the session's data dictionary: a message carrying
 * any other tag outside FIX 4.4 is rejected (Reject 373=0, FIX 4.4 Vol. 2).
 */
export function userFieldsOf(config: MappingConfig): Map<number, FieldDef> {
  return new Map<number, FieldDef>([
    [config.utiTag, { name: 'UTI', type: 'STRING' }],
    [config.actionTypeTag, { name: 'ActionType', type: 'STRING', values: Object.keys(EVENT_TYPE_OF_ACTION) }],
    [config.assetClassTag, { name: 'AssetClass', type: 'STRING', values: ['IR', 'CR', 'EQ', 'FX', 'CO'] }],
    [config.eventDateTag, { name: 'EventDate', type: 'LOCALMKTDATE' }],
  ]);
}

/**
 * Which action a message is: by MsgType and TradeReportTransType (487, on AE) or ExecType (150, on 8),
 * and the actions the explicit action-type tag may choose among (the first is taken when the tag
 * is absent only if it is the only one).
 */
export const ACTION_TABLE: ReadonlyArray<{ msgType: 'AE' | '8'; tag: 487 | 150; value: string; meaning: string; actions: readonly MappedAction[] }> = [
  { msgType: 'AE', tag: 487, value: '0', meaning: 'New', actions: ['NEWT', 'REVI'] },
  { msgType: 'AE', tag: 487, value: '2', meaning: 'Replace', actions: ['MODI', 'CORR'] },
  { msgType: 'AE', tag: 487, value: '1', meaning: 'Cancel', actions: ['TERM', 'EROR'] },
  { msgType: '8', tag: 150, value: 'F', meaning: 'Trade', actions: ['NEWT', 'REVI'] },
  { msgType: '8', tag: 150, value: 'G', meaning: 'Trade Correct', actions: ['MODI', 'CORR'] },
  { msgType: '8', tag: 150, value: 'H', meaning: 'Trade Cancel', actions: ['TERM', 'EROR'] },
];

type Ctx = { view: FixView; config: MappingConfig; reporting: Party | undefined; sideOf: string | undefined };
type Rule = { field: string; source: string; read: (c: Ctx) => unknown };

const lei = (p: Party | undefined) => (p && p.source === 'N' ? p.id : undefined);
const decimal = (v: string | undefined) => (v === undefined ? undefined : v.startsWith('.') ? `0${v}` : v.startsWith('-.') ? `-0${v.slice(1)}` : v);

/** The trade fields (TradeConfirmed's names), each with its FIX source. */
export const TRADE_FIELD_TABLE: readonly Rule[] = [
  { field: 'uti', source: 'tag `fix.mapping.utiTag`', read: (c) => c.view.get(c.config.utiTag) },
  { field: 'reportingLei', source: 'PartyID 448 with PartyIDSource 447=N and PartyRole 452 = `reportingPartyRole`', read: (c) => lei(c.reporting) },
  { field: 'counterpartyLei', source: 'PartyID 448 with 447=N and 452 = `counterpartyPartyRole`', read: (c) => lei(findParty(c.view, c.config.counterpartyPartyRole)) },
  { field: 'instrument', source: 'SecurityID 48 with SecurityIDSource 22=4 (ISIN) -> {isin}', read: (c) => (c.view.get(22) === '4' && c.view.get(48) ? { isin: c.view.get(48) } : undefined) },
  { field: 'assetClass', source: 'tag `fix.mapping.assetClassTag`', read: (c) => c.view.get(c.config.assetClassTag) },
  { field: 'direction', source: "Side 54 (the reporting party's side in NoSides 552 on AE): 1 -> BUY, 2 -> SELL", read: (c) => ({ '1': 'BUY', '2': 'SELL' })[c.sideOf ?? ''] },
  { field: 'notional', source: 'GrossTradeAmt 381', read: (c) => decimal(c.view.get(381)) },
  { field: 'quantity', source: 'LastQty 32', read: (c) => decimal(c.view.get(32)) },
  { field: 'price', source: 'LastPx 31', read: (c) => decimal(c.view.get(31)) },
  { field: 'notionalCurrency', source: 'Currency 15', read: (c) => c.view.get(15) },
  { field: 'priceCurrency', source: 'Currency 15', read: (c) => c.view.get(15) },
  { field: 'executedAt', source: 'TransactTime 60, as RFC 3339 UTC', read: (c) => parseUtcTimestamp(c.view.get(60) ?? '')?.rfc3339 },
  { field: 'venue', source: 'LastMkt 30 (MIC)', read: (c) => c.view.get(30) },
];

/** Actions whose event carries only what identifies the trade (the catalogue's common fields), not the whole trade. */
const IDENTIFYING_ONLY: ReadonlySet<MappedAction> = new Set(['TERM', 'EROR', 'REVI']);
const IDENTIFYING_FIELDS = new Set(['uti', 'reportingLei']);
/** Actions whose event has an event date (catalogue `eventDate`), from `fix.mapping.eventDateTag`. */
const WITH_EVENT_DATE: ReadonlySet<MappedAction> = new Set(['MODI', 'CORR', 'TERM', 'REVI']);

/** Pure: LocalMktDate `YYYYMMDD` (FIX 4.4) as an ISO 8601 date, or undefined. */
function localMktDate(v: string | undefined): string | undefined {
  const m = v === undefined ? null : /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

export type Mapped =
  | { ok: true; action: MappedAction; eventId: string; event: Record<string, unknown> }
  | { ok: false; errors: FieldError[]; eventId?: string };

/**
 * Pure: a validated AE or 8 to one catalogue event envelope, or the reasons it cannot be one.
 * `eventId` = `fix-<counterparty CompID>-<TradeReportID 571 | ExecID 17>`: the idempotency key of a
 * resent report. The event still passes the ingest's validation after this.
 */
export function mapTrade(msgType: 'AE' | '8', view: FixView, config: MappingConfig, session: { targetCompId: string }): Mapped {
  const errors: FieldError[] = [];
  const err = (path: string, code: string, message: string) => errors.push({ path, code, message });
  const idTag = msgType === 'AE' ? 571 : 17;
  const id = view.get(idTag);
  const eventId = id === undefined ? undefined : `fix-${session.targetCompId}-${id}`;
  if (eventId === undefined || !/^[\x21-\x7e]{1,128}$/.test(eventId)) err('$.eventId', 'invalid_format', `${idTag === 571 ? 'TradeReportID 571' : 'ExecID 17'} must be printable ASCII without spaces (the event id is fix-<CompID>-<id>, at most 128 characters)`);
  const kindTag = msgType === 'AE' ? 487 : 150;
  const row = ACTION_TABLE.find((r) => r.msgType === msgType && r.tag === kindTag && r.value === view.get(kindTag));
  const explicit = view.get(config.actionTypeTag);
  let action: MappedAction | undefined;
  if (!row) {
    err('$.type', 'unsupported_trade_message', `${kindTag === 487 ? 'TradeReportTransType 487' : 'ExecType 150'} '${view.get(kindTag) ?? ''}' is not mapped: one of ${ACTION_TABLE.filter((r) => r.msgType === msgType).map((r) => `${r.value} (${r.meaning})`).join(', ')}`);
  } else if (explicit !== undefined) {
    if ((row.actions as readonly string[]).includes(explicit)) action = explicit as MappedAction;
    else err('$.payload.actionType', 'invalid_action_type', `tag ${config.actionTypeTag} must be ${row.actions.join(' or ')} for ${row.meaning}`);
  } else if (row.actions[0] === 'NEWT') {
    action = 'NEWT';
  } else {
    err('$.payload.actionType', 'action_type_required', `FIX cannot tell ${row.actions.join(' from ')}: tag ${config.actionTypeTag} must say which`);
  }
  const reporting = findParty(view, config.reportingPartyRole);
  const sideOf = msgType === 'AE' ? (view.sides.find((s) => s.parties.includes(reporting!)) ?? view.sides[0])?.side : view.get(54);
  const ctx: Ctx = { view, config, reporting, sideOf };
  const payload: Record<string, unknown> = {};
  const identifyingOnly = action !== undefined && IDENTIFYING_ONLY.has(action);
  for (const rule of TRADE_FIELD_TABLE) {
    if (identifyingOnly && !IDENTIFYING_FIELDS.has(rule.field)) continue;
    const v = rule.read(ctx);
    if (v === undefined) err(`$.payload.${rule.field}`, 'missing_fix_field', `required: ${rule.source}`);
    else payload[rule.field] = v;
  }
  if (action !== undefined && WITH_EVENT_DATE.has(action)) {
    const eventDate = localMktDate(view.get(config.eventDateTag));
    if (eventDate === undefined) err('$.payload.eventDate', 'missing_fix_field', `required for ${action}: tag ${config.eventDateTag} (fix.mapping.eventDateTag), the event's date as YYYYMMDD`);
    else payload.eventDate = eventDate;
  }
  if (errors.length > 0 || !action) return { ok: false, errors, ...(eventId ? { eventId } : {}) };
  const occurredAt = parseUtcTimestamp(view.get(60) ?? '')?.rfc3339 ?? parseUtcTimestamp(view.get(52) ?? '')?.rfc3339;
  return {
    ok: true,
    action,
    eventId: eventId!,
    event: {
      eventId, type: EVENT_TYPE_OF_ACTION[action], version: 1, occurredAt, source: `fix:${session.targetCompId}`,
      aggregateId: payload.uti, correlationId: `fix-${session.targetCompId}-${id}`.slice(0, 128), payload: { ...payload, actionType: action },
    },
  };
}

function findParty(view: FixView, role: string): Party | undefined {
  for (const p of view.parties) if (p.role === role) return p;
  for (const s of view.sides) for (const p of s.parties) if (p.role === role) return p;
  return undefined;
}
