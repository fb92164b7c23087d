/**
 * The FIX 4.4 data dictionary of the messages this acceptor takes: field types, the standard header,
 * and each accepted message's fields, required fields and repeating groups (FIX 4.4 Vol. 1-5, as in
 * QuickFIX's FIX44.xml, reduced to what the gateway reads). Pure data.
 */

export type FieldType =
  | 'INT' | 'SEQNUM' | 'LENGTH' | 'NUMINGROUP' | 'CHAR' | 'BOOLEAN' | 'STRING' | 'UTCTIMESTAMP'
  | 'QTY' | 'PRICE' | 'AMT' | 'CURRENCY' | 'LOCALMKTDATE' | 'EXCHANGE';

export interface FieldDef {
  name: string;
  type: FieldType;
  /** Allowed values, when the standard enumerates them. */
  values?: readonly string[];
}

export const FIELDS: Readonly<Record<number, FieldDef>> = {
  1: { name: 'Account', type: 'STRING' },
  6: { name: 'AvgPx', type: 'PRICE' },
  7: { name: 'BeginSeqNo', type: 'SEQNUM' },
  8: { name: 'BeginString', type: 'STRING' },
  9: { name: 'BodyLength', type: 'LENGTH' },
  10: { name: 'CheckSum', type: 'STRING' },
  11: { name: 'ClOrdID', type: 'STRING' },
  14: { name: 'CumQty', type: 'QTY' },
  15: { name: 'Currency', type: 'CURRENCY' },
  16: { name: 'EndSeqNo', type: 'SEQNUM' },
  17: { name: 'ExecID', type: 'STRING' },
  19: { name: 'ExecRefID', type: 'STRING' },
  22: { name: 'SecurityIDSource', type: 'STRING', values: ['1', '2', '4', '8', 'A', 'H', 'J', 'S'] },
  30: { name: 'LastMkt', type: 'EXCHANGE' },
  31: { name: 'LastPx', type: 'PRICE' },
  32: { name: 'LastQty', type: 'QTY' },
  34: { name: 'MsgSeqNum', type: 'SEQNUM' },
  35: { name: 'MsgType', type: 'STRING' },
  36: { name: 'NewSeqNo', type: 'SEQNUM' },
  37: { name: 'OrderID', type: 'STRING' },
  39: { name: 'OrdStatus', type: 'CHAR', values: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E'] },
  43: { name: 'PossDupFlag', type: 'BOOLEAN' },
  45: { name: 'RefSeqNum', type: 'SEQNUM' },
  48: { name: 'SecurityID', type: 'STRING' },
  49: { name: 'SenderCompID', type: 'STRING' },
  50: { name: 'SenderSubID', type: 'STRING' },
  52: { name: 'SendingTime', type: 'UTCTIMESTAMP' },
  54: { name: 'Side', type: 'CHAR', values: ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', 'G'] },
  55: { name: 'Symbol', type: 'STRING' },
  56: { name: 'TargetCompID', type: 'STRING' },
  57: { name: 'TargetSubID', type: 'STRING' },
  58: { name: 'Text', type: 'STRING' },
  60: { name: 'TransactTime', type: 'UTCTIMESTAMP' },
  75: { name: 'TradeDate', type: 'LOCALMKTDATE' },
  97: { name: 'PossResend', type: 'BOOLEAN' },
  98: { name: 'EncryptMethod', type: 'INT', values: ['0', '1', '2', '3', '4', '5', '6'] },
  108: { name: 'HeartBtInt', type: 'INT' },
  112: { name: 'TestReqID', type: 'STRING' },
  115: { name: 'OnBehalfOfCompID', type: 'STRING' },
  122: { name: 'OrigSendingTime', type: 'UTCTIMESTAMP' },
  123: { name: 'GapFillFlag', type: 'BOOLEAN' },
  128: { name: 'DeliverToCompID', type: 'STRING' },
  141: { name: 'ResetSeqNumFlag', type: 'BOOLEAN' },
  150: { name: 'ExecType', type: 'CHAR', values: ['0', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'] },
  151: { name: 'LeavesQty', type: 'QTY' },
  369: { name: 'LastMsgSeqNumProcessed', type: 'SEQNUM' },
  371: { name: 'RefTagID', type: 'INT' },
  372: { name: 'RefMsgType', type: 'STRING' },
  373: { name: 'SessionRejectReason', type: 'INT' },
  380: { name: 'BusinessRejectReason', type: 'INT' },
  379: { name: 'BusinessRejectRefID', type: 'STRING' },
  381: { name: 'GrossTradeAmt', type: 'AMT' },
  447: { name: 'PartyIDSource', type: 'CHAR' },
  448: { name: 'PartyID', type: 'STRING' },
  452: { name: 'PartyRole', type: 'INT' },
  453: { name: 'NoPartyIDs', type: 'NUMINGROUP' },
  487: { name: 'TradeReportTransType', type: 'INT', values: ['0', '1', '2', '3', '4', '5'] },
  552: { name: 'NoSides', type: 'NUMINGROUP' },
  553: { name: 'Username', type: 'STRING' },
  554: { name: 'Password', type: 'STRING' },
  570: { name: 'PreviouslyReported', type: 'BOOLEAN' },
  571: { name: 'TradeReportID', type: 'STRING' },
  572: { name: 'TradeReportRefID', type: 'STRING' },
  751: { name: 'TradeReportRejectReason', type: 'INT' },
  789: { name: 'NextExpectedMsgSeqNum', type: 'SEQNUM' },
  828: { name: 'TrdType', type: 'INT' },
  856: { name: 'TradeReportType', type: 'INT' },
  939: { name: 'TrdRptStatus', type: 'INT' },
  1003: { name: 'TradeID', type: 'STRING' },
};

/** Standard header fields after 8, 9, 35 (FIX 4.4 "Standard Message Header"). */
export const HEADER_TAGS: ReadonlySet<number> = new Set([8, 9, 35, 49, 56, 34, 52, 43, 97, 122, 115, 128, 50, 57, 369]);
export const REQUIRED_HEADER_TAGS = [49, 56, 34, 52] as const;

/** A repeating group: its NumInGroup tag, its fields in order (the first is the delimiter), nested groups. */
export interface GroupDef {
  countTag: number;
  fields: readonly number[];
  groups?: readonly GroupDef[];
}

const PARTIES: GroupDef = { countTag: 453, fields: [448, 447, 452] };
const SIDES: GroupDef = { countTag: 552, fields: [54, 37, 11, 453, 1], groups: [PARTIES] };

export interface MessageDef {
  name: string;
  /** Admin (session) message: answered by the session layer, gap-filled on resend. */
  admin: boolean;
  fields: readonly number[];
  required: readonly number[];
  groups: readonly GroupDef[];
}

/** The messages the gateway accepts, by MsgType. Any other valid MsgType is answered with 35=j reason 3. */
export const MESSAGES: Readonly<Record<string, MessageDef>> = {
  '0': { name: 'Heartbeat', admin: true, fields: [112], required: [], groups: [] },
  '1': { name: 'TestRequest', admin: true, fields: [112], required: [112], groups: [] },
  '2': { name: 'ResendRequest', admin: true, fields: [7, 16], required: [7, 16], groups: [] },
  '3': { name: 'Reject', admin: true, fields: [45, 371, 372, 373, 58], required: [45], groups: [] },
  '4': { name: 'SequenceReset', admin: true, fields: [123, 36], required: [36], groups: [] },
  '5': { name: 'Logout', admin: true, fields: [58], required: [], groups: [] },
  A: { name: 'Logon', admin: true, fields: [98, 108, 141, 789, 553, 554], required: [98, 108], groups: [] },
  AE: {
    name: 'TradeCaptureReport',
    admin: false,
    fields: [571, 487, 856, 572, 17, 828, 570, 55, 48, 22, 32, 31, 15, 75, 60, 30, 381, 1003, 58, 552],
    required: [571, 570, 55, 32, 31, 75, 60, 552],
    groups: [SIDES],
  },
  '8': {
    name: 'ExecutionReport',
    admin: false,
    fields: [37, 11, 17, 19, 150, 39, 55, 48, 22, 54, 32, 31, 14, 151, 6, 15, 75, 60, 30, 1, 58, 453],
    required: [37, 17, 150, 39, 55, 54, 151, 14, 6],
    groups: [PARTIES],
  },
};

/** Every MsgType FIX 4.4 defines: one of these we do not accept is "unsupported" (35=j, 380=3), anything else invalid (373=11). */
export const FIX44_MSG_TYPES: ReadonlySet<string> = new Set(
  ('0 1 2 3 4 5 6 7 8 9 A B C D E F G H J K L M N P Q R S T V W X Y Z a b c d e f g h i j k l m n o p q r s t u v w x y z ' +
    'AA AB AC AD AE AF AG AH AI AJ AK AL AM AN AO AP AQ AR AS AT AU AV AW AX AY AZ BA BB BC BD BE BF BG BH').split(' '),
);

/** Session-level MsgTypes (gap-filled, never resent: FIX 4.4 Vol. 2, "Resend Request"). */
export function isAdminMsgType(t: string): boolean {
  return t === '0' || t === '1' || t === '2' || t === '3' || t === '4' || t === '5' || t === 'A';
}
