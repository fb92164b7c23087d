import { parseUtcTimestamp } from '../codec/fix-encoder.js';
import type { FixField } from '../codec/fix-message.js';
import { FIELDS, FIX44_MSG_TYPES, HEADER_TAGS, MESSAGES, REQUIRED_HEADER_TAGS, type FieldDef, type GroupDef } from './data-dictionary.js';

/** SessionRejectReason (373) values used here (FIX 4.4 Vol. 2, "Reject"). */
export const REJECT = {
  invalidTagNumber: 0,
  requiredTagMissing: 1,
  tagNotDefinedForMessage: 2,
  tagWithoutValue: 4,
  valueIncorrect: 5,
  incorrectDataFormat: 6,
  compIdProblem: 9,
  sendingTimeAccuracy: 10,
  invalidMsgType: 11,
  tagAppearsMoreThanOnce: 13,
  tagOutOfOrder: 14,
  groupFieldsOutOfOrder: 15,
  incorrectNumInGroup: 16,
} as const;

/** Why a message is refused at session level: Reject 35=3 with 373 and, when known, 371. */
export interface SessionReject {
  reason: number;
  refTagId?: number;
  text: string;
}

/** The body of a Reject (35=3): RefSeqNum 45, RefTagID 371, RefMsgType 372, SessionRejectReason 373, Text 58. */
export function rejectBody(refSeq: number, refMsgType: string, r: SessionReject): FixField[] {
  return [
    { tag: 45, value: String(refSeq) }, ...(r.refTagId !== undefined ? [{ tag: 371, value: String(r.refTagId) }] : []),
    ...(refMsgType ? [{ tag: 372, value: refMsgType }] : []), { tag: 373, value: String(r.reason) }, { tag: 58, value: r.text },
  ];
}

export type Validation = { ok: true } | { ok: false; reject: SessionReject } | { ok: false; unsupported: true };

export interface ValidateOptions {
  /** Empty values are refused (373=4); QuickFIX's ValidateFieldsHaveValues. */
  validateFieldsHaveValues: boolean;
  /** User-defined tags the application messages may carry (e.g. the UTI's tag), with their types. */
  userFields: ReadonlyMap<number, FieldDef>;
}

/**
 * Checks a decoded message against the data dictionary, in QuickFIX's order: header order (35 third),
 * valid MsgType, tag numbers, values present, data formats and enumerations, duplicates, header after
 * body, repeating groups (delimiter first, order, NumInGroup count), required fields. A MsgType FIX 4.4
 * defines but the gateway does not accept is `unsupported` (answered with 35=j reason 3). Pure.
 */
export function validateMessage(fields: readonly FixField[], o: ValidateOptions): Validation {
  const fail = (reason: number, text: string, refTagId?: number): Validation => ({ ok: false, reject: { reason, text, ...(refTagId !== undefined ? { refTagId } : {}) } });
  if (fields[2]?.tag !== 35) return fail(REJECT.tagOutOfOrder, 'MsgType (35) must be the third field', 35);
  const msgType = fields[2].value;
  const def = MESSAGES[msgType];
  if (!def) return FIX44_MSG_TYPES.has(msgType) ? { ok: false, unsupported: true } : fail(REJECT.invalidMsgType, `invalid MsgType '${msgType}'`, 35);
  const lookup = (tag: number) => FIELDS[tag] ?? (def.admin ? undefined : o.userFields.get(tag));
  const body = new Set([...def.fields, ...(def.admin ? [] : o.userFields.keys())]);
  const seen = new Set<number>();
  let inBody = false;
  const last = fields.length - 1;
  for (let i = 0; i < fields.length; i++) {
    const { tag, value } = fields[i]!;
    const fd = lookup(tag);
    if (!fd) return fail(REJECT.invalidTagNumber, `invalid tag number ${tag}`, tag);
    if (value === '' && o.validateFieldsHaveValues) return fail(REJECT.tagWithoutValue, `tag ${tag} has no value`, tag);
    const format = formatProblem(fd, value);
    if (format) return fail(format.reason, `${fd.name} (${tag}) ${format.text}`, tag);
    if (tag === 10) {
      if (i !== last) return fail(REJECT.tagOutOfOrder, 'CheckSum (10) must be last', 10);
      continue;
    }
    if (HEADER_TAGS.has(tag)) {
      if (inBody) return fail(REJECT.tagOutOfOrder, `header field ${fd.name} (${tag}) after the body`, tag);
      if (seen.has(tag)) return fail(REJECT.tagAppearsMoreThanOnce, `${fd.name} (${tag}) appears more than once`, tag);
      seen.add(tag);
      continue;
    }
    if (!body.has(tag)) return fail(REJECT.tagNotDefinedForMessage, `${fd.name} (${tag}) is not defined for ${def.name}`, tag);
    inBody = true;
    if (seen.has(tag)) return fail(REJECT.tagAppearsMoreThanOnce, `${fd.name} (${tag}) appears more than once`, tag);
    seen.add(tag);
    const group = def.groups.find((g) => g.countTag === tag);
    if (group) {
      const r = readGroup(fields, i, group);
      if ('reject' in r) return { ok: false, reject: r.reject };
      i = r.next - 1;
    }
  }
  for (const tag of [...REQUIRED_HEADER_TAGS, ...def.required]) {
    if (!seen.has(tag)) return fail(REJECT.requiredTagMissing, `required tag ${tag} (${FIELDS[tag]?.name ?? tag}) missing`, tag);
  }
  return { ok: true };
}

/** Reads the instances of `group` whose count is at `at`; returns where the group ends. */
function readGroup(fields: readonly FixField[], at: number, group: GroupDef): { next: number } | { reject: SessionReject } {
  const count = Number(fields[at]!.value);
  const delimiter = group.fields[0]!;
  let i = at + 1;
  let instances = 0;
  while (i < fields.length && fields[i]!.tag !== 10) {
    const tag = fields[i]!.tag;
    const pos = group.fields.indexOf(tag);
    if (pos < 0) break; // the group ended
    if (pos !== 0) {
      return { reject: { reason: REJECT.groupFieldsOutOfOrder, refTagId: tag, text: `repeating group ${group.countTag}: ${tag} before its delimiter ${delimiter}` } };
    }
    instances++;
    i++;
    let lastPos = 0;
    const seen = new Set([delimiter]);
    while (i < fields.length) {
      const t = fields[i]!.tag;
      const p = group.fields.indexOf(t);
      if (p <= 0) break; // next instance (delimiter) or end of group
      if (seen.has(t) || p < lastPos) {
        return { reject: { reason: REJECT.groupFieldsOutOfOrder, refTagId: t, text: `repeating group ${group.countTag}: ${t} out of order` } };
      }
      seen.add(t);
      lastPos = p;
      const nested = group.groups?.find((g) => g.countTag === t);
      if (nested) {
        const r = readGroup(fields, i, nested);
        if ('reject' in r) return r;
        i = r.next;
      } else {
        i++;
      }
    }
  }
  if (instances !== count) {
    return { reject: { reason: REJECT.incorrectNumInGroup, refTagId: group.countTag, text: `NumInGroup ${group.countTag} is ${count} but ${instances} instances follow` } };
  }
  return { next: i };
}

const DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;

function formatProblem(fd: FieldDef, v: string): { reason: number; text: string } | undefined {
  if (v === '') return undefined;
  const bad = (text: string) => ({ reason: REJECT.incorrectDataFormat, text });
  switch (fd.type) {
    case 'INT':
      if (!/^-?\d{1,15}$/.test(v)) return bad('must be an integer');
      break;
    case 'SEQNUM': case 'LENGTH': case 'NUMINGROUP':
      if (!/^\d{1,15}$/.test(v)) return bad('must be a non-negative integer');
      break;
    case 'CHAR':
      if (v.length !== 1) return bad('must be one character');
      break;
    case 'BOOLEAN':
      if (v !== 'Y' && v !== 'N') return bad('must be Y or N');
      break;
    case 'UTCTIMESTAMP':
      if (!parseUtcTimestamp(v)) return bad('must be a UTCTimestamp YYYYMMDD-HH:MM:SS[.sss]');
      break;
    case 'QTY': case 'PRICE': case 'AMT':
      if (!DECIMAL.test(v)) return bad('must be a decimal number');
      break;
    case 'CURRENCY':
      if (!/^[A-Z]{3}$/.test(v)) return bad('must be a three-letter currency code');
      break;
    case 'LOCALMKTDATE':
      if (!/^\d{8}$/.test(v)) return bad('must be a date YYYYMMDD');
      break;
    case 'EXCHANGE':
      if (!/^[A-Z0-9]{4}$/.test(v)) return bad('must be a MIC');
      break;
    case 'STRING':
      break;
  }
  if (fd.values && !fd.values.includes(v)) return { reason: REJECT.valueIncorrect, text: `value '${v}' is not one of ${fd.values.join(', ')}` };
  return undefined;
}
