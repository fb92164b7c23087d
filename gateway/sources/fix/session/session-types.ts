import type { FixField, FixMessage } from '../codec/fix-message.js';
import type { FieldDef } from './data-dictionary.js';

/** One session's settings (QuickFIX names); `senderCompId` is ours, `targetCompId` the counterparty's. */
export interface SessionSettings {
  beginString: string;
  senderCompId: string;
  targetCompId: string;
  /** The longest HeartBtInt (s) a Logon may ask for; the counterparty's value is used (QuickFIX acceptor). */
  heartBtIntS: number;
  resetOnLogon: boolean;
  resetOnLogout: boolean;
  resetOnDisconnect: boolean;
  /** Largest |SendingTime - now| accepted, in seconds (373=10 and Logout beyond it). */
  sendingTimeToleranceS: number;
  validateFieldsHaveValues: boolean;
  /** Time from connect to Logon, and from our Logout to the counterparty's, in seconds. */
  logonTimeoutS: number;
  logoutTimeoutS: number;
  /** Messages held while a gap is being filled; more disconnects (bounded memory). */
  maxQueuedMessages: number;
  /** User-defined tags the application messages may carry (e.g. the UTI's tag). */
  userFields: ReadonlyMap<number, FieldDef>;
}

/** The sequence numbers that are persisted (FIX 4.4 Vol. 2, "Message sequencing"). */
export interface SeqNums {
  /** MsgSeqNum of our next outbound message. */
  nextSenderSeq: number;
  /** MsgSeqNum expected on the next inbound message. */
  nextTargetSeq: number;
}

/** An outbound message with its sequence number: stored before it is sent. */
export interface Outbound {
  seq: number;
  msgType: string;
  bytes: Buffer;
}

/** A stored outbound message, for answering a ResendRequest. */
export interface StoredOutbound {
  seq: number;
  msgType: string;
  bytes: Buffer;
}

/** An application message in sequence, for the application layer (mapping, WAL, ack). */
export interface Delivered {
  msgType: string;
  seq: number;
  possDup: boolean;
  message: FixMessage;
}

export type LogLevel = 'info' | 'warn';

/** What the session asks its shell to do, in order. */
export type SessionAction =
  /** Store (with the sequence state) then send. */
  | { kind: 'send'; message: Outbound }
  /** Send again bytes of an already-stored sequence number (resend or gap fill): not stored again. */
  | { kind: 'resend'; seq: number; bytes: Buffer }
  | { kind: 'deliver'; delivered: Delivered }
  /** Sequence numbers were reset to 1: the stored outbound messages are void. */
  | { kind: 'reset' }
  | { kind: 'disconnect'; reason: string }
  | { kind: 'log'; level: LogLevel; msg: string; fields?: Record<string, unknown> };

export type SessionStatus = 'awaiting_logon' | 'active' | 'logout_sent' | 'disconnected';

export type BodyFields = readonly FixField[];
