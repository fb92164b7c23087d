import { z } from 'zod';
import { TlsConfigSchema } from '../http/tls-config.js';

const USER_TAG = z.number().int().min(5000).max(39_999);

/** One session, with QuickFIX's setting names; `senderCompId` is ours, `targetCompId` the counterparty's. */
export const FixSessionConfigSchema = z.strictObject({
  beginString: z.literal('FIX.4.4').default('FIX.4.4'),
  senderCompId: z.string().regex(/^[\x21-\x7e]{1,64}$/),
  targetCompId: z.string().regex(/^[\x21-\x7e]{1,64}$/),
  /** Peer addresses allowed to log on as this session; others are disconnected without a reply. */
  allowedAddresses: z.array(z.string().min(1)).min(1).default(['127.0.0.1']),
  /** The longest heartbeat interval (s) a Logon may ask for; the counterparty's value is used. */
  heartBtIntS: z.number().int().min(1).max(3600).default(30),
  resetOnLogon: z.boolean().default(false),
  resetOnLogout: z.boolean().default(false),
  resetOnDisconnect: z.boolean().default(false),
  /** Largest difference between SendingTime (52) and our clock, in seconds. */
  sendingTimeToleranceS: z.number().int().min(1).default(120),
  validateFieldsHaveValues: z.boolean().default(true),
  /**
   * The `auth.senders` name this session's events are submitted as: that sender's `sources` must
   * list `fix:<targetCompId>` (else `source_not_allowed`), its `eventsPerSecond` pauses reading.
   */
  sender: z.string().min(1).optional(),
});
export type FixSessionConfig = z.infer<typeof FixSessionConfigSchema>;

/** The `fix` section: the acceptor, its sessions, limits, and the trade mapping's explicit tags. */
export const FixConfigSchema = z
  .strictObject({
    /** host:port of the acceptor; empty: no FIX acceptor. Port 0 picks a free port (logged, and in /health/ready). */
    listen: z
      .string()
      .regex(/^$|^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):\d{1,5}$/, { message: 'must be host:port, e.g. 127.0.0.1:9878, or empty' })
      .default(''),
    /** Set: the acceptor speaks FIX over TLS (1.2+) only, like `http.tls`; reloaded on SIGHUP. */
    tls: TlsConfigSchema.optional(),
    sessions: z.array(FixSessionConfigSchema).default([]),
    /** Largest BodyLength accepted, in bytes; a larger one is garbled and dropped. */
    maxMessageBytes: z.number().int().min(256).default(65_536),
    /** Messages held behind a sequence gap; more ends the session (Logout). */
    maxQueuedMessages: z.number().int().positive().default(10_000),
    /** Seconds from connecting to Logon, and from our Logout to the counterparty's. */
    logonTimeoutS: z.number().int().positive().default(10),
    logoutTimeoutS: z.number().int().positive().default(5),
    /** Outbound messages kept per session for ResendRequests; older ones are gap-filled. */
    keepOutboundMessages: z.number().int().positive().default(1_000_000),
    mapping: z
      .strictObject({
        utiTag: USER_TAG.default(20001),
        actionTypeTag: USER_TAG.default(20002),
        assetClassTag: USER_TAG.default(20003),
        eventDateTag: USER_TAG.default(20004),
        reportingPartyRole: z.string().regex(/^\d{1,4}$/).default('1'),
        counterpartyPartyRole: z.string().regex(/^\d{1,4}$/).default('17'),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    const keys = new Set<string>();
    c.sessions.forEach((s, i) => {
      const key = `${s.senderCompId}->${s.targetCompId}`;
      if (keys.has(key)) ctx.addIssue({ code: 'custom', path: ['sessions', i], message: `duplicate session ${key}` });
      keys.add(key);
    });
    const tags = [c.mapping.utiTag, c.mapping.actionTypeTag, c.mapping.assetClassTag, c.mapping.eventDateTag];
    if (new Set(tags).size !== tags.length) ctx.addIssue({ code: 'custom', path: ['mapping'], message: 'utiTag, actionTypeTag, assetClassTag and eventDateTag must differ' });
  });
export type FixConfig = z.infer<typeof FixConfigSchema>;
