import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inbound, kinds, logon, newSession, sent, T0 } from './session-test-kit.js';

const loggedOn = (settings = {}) => {
  const s = newSession(settings);
  s.recv(logon());
  return s;
};

describe('FixSession: logon', () => {
  it('answers a Logon with a Logon (EncryptMethod 0, the counterparty HeartBtInt) and counts seqs', () => {
    const s = newSession();
    const a = s.recv(logon());
    assert.deepEqual(sent(a), ['35=A|34=1|98=0|108=30']);
    assert.equal(s.session.status, 'active');
    assert.deepEqual(s.session.seqNums, { nextSenderSeq: 2, nextTargetSeq: 2 });
  });

  it('disconnects without a reply when the first message is not a Logon', () => {
    const s = newSession();
    const a = s.recv(inbound('0', 1));
    assert.deepEqual(sent(a), []);
    assert.deepEqual(kinds(a), ['disconnect']);
  });

  it('refuses a HeartBtInt above heartBtIntS, or 0, with Logout', () => {
    for (const hb of ['31', '0']) {
      const s = newSession();
      const a = s.recv(inbound('A', 1, [{ tag: 98, value: '0' }, { tag: 108, value: hb }]));
      assert.deepEqual(sent(a), ['35=5|34=1|58=HeartBtInt must be 1-30'], hb);
      assert.deepEqual(kinds(a), ['disconnect']);
    }
  });

  it('ResetSeqNumFlag=Y resets both seqs to 1 and answers with 141=Y', () => {
    const s = newSession({}, { nextSenderSeq: 50, nextTargetSeq: 70 });
    const a = s.recv(logon(1, [{ tag: 141, value: 'Y' }]));
    assert.deepEqual(kinds(a), ['reset']);
    assert.deepEqual(sent(a), ['35=A|34=1|98=0|108=30|141=Y']);
    assert.deepEqual(s.session.seqNums, { nextSenderSeq: 2, nextTargetSeq: 2 });
  });

  it('a Logon with MsgSeqNum below the expected one ends with Logout', () => {
    const s = newSession({}, { nextSenderSeq: 5, nextTargetSeq: 10 });
    const a = s.recv(logon(3));
    assert.deepEqual(sent(a), ['35=5|34=5|58=MsgSeqNum too low, expecting 10 but received 3']);
    assert.deepEqual(kinds(a), ['disconnect']);
  });

  it('a Logon above the expected seq logs on, then asks for the gap', () => {
    const s = newSession({}, { nextSenderSeq: 5, nextTargetSeq: 10 });
    const a = s.recv(logon(15));
    assert.deepEqual(sent(a), ['35=A|34=5|98=0|108=30', '35=2|34=6|7=10|16=0']);
    assert.equal(s.session.seqNums.nextTargetSeq, 10);
  });

  it('refuses a second Logon on a live session with a Reject', () => {
    const s = loggedOn();
    const a = s.recv(logon(2));
    assert.deepEqual(sent(a), ['35=3|34=2|45=2|371=35|372=A|373=5|58=Logon on a live session refused']);
    assert.equal(s.session.status, 'active');
    assert.equal(s.session.seqNums.nextTargetSeq, 3);
  });
});

describe('FixSession: heartbeats and test requests', () => {
  it('answers a TestRequest with a Heartbeat carrying its TestReqID', () => {
    const s = loggedOn();
    assert.deepEqual(sent(s.recv(inbound('1', 2, [{ tag: 112, value: 'abc' }]))), ['35=0|34=2|112=abc']);
  });

  it('sends a Heartbeat after HeartBtInt without sending', () => {
    const s = loggedOn();
    assert.deepEqual(sent(s.tick(T0 + 29_000)), []);
    s.recv(inbound('0', 2), T0 + 29_000);
    assert.deepEqual(sent(s.tick(T0 + 30_000)), ['35=0|34=2']);
  });

  it('sends a TestRequest after 1.5 intervals of silence and disconnects after 2.4', () => {
    const s = loggedOn();
    const a = s.tick(T0 + 45_000);
    assert.match(sent(a)[0]!, /^35=1\|34=2\|112=TEST-/);
    assert.deepEqual(kinds(s.tick(T0 + 60_000)), []);
    const b = s.tick(T0 + 72_000);
    assert.deepEqual(kinds(b), ['disconnect']);
  });

  it('an answer to the TestRequest keeps the session', () => {
    const s = loggedOn();
    s.tick(T0 + 45_000);
    s.recv(inbound('0', 2, [{ tag: 112, value: `TEST-${T0 + 45_000}` }], { at: T0 + 46_000 }), T0 + 46_000);
    assert.deepEqual(kinds(s.tick(T0 + 72_000)), []);
  });

  it('does not count silence against the counterparty while input is paused (backpressure)', () => {
    const s = loggedOn();
    for (let t = 1; t <= 100; t++) assert.ok(!kinds(s.tick(T0 + t * 1000, true)).includes('disconnect'));
    assert.ok(sent(s.tick(T0 + 101_000, true)).every((m) => m.startsWith('35=0')));
  });

  it('disconnects when no Logon arrives within logonTimeoutS', () => {
    const s = newSession();
    assert.deepEqual(kinds(s.tick(T0 + 9_999)), []);
    assert.deepEqual(kinds(s.tick(T0 + 10_000)), ['disconnect']);
  });
});

describe('FixSession: sequence numbers', () => {
  it('on a gap sends one ResendRequest, queues, and processes in order once filled', () => {
    const s = loggedOn();
    const a = s.recv(inbound('AE', 4, [], {}));
    assert.deepEqual(sent(a), ['35=2|34=2|7=2|16=0']);
    assert.deepEqual(sent(s.recv(inbound('0', 5))), [], 'no second ResendRequest for the same gap');
    const b = s.recv(inbound('0', 2));
    assert.deepEqual(kinds(b), []);
    const c = s.recv(inbound('1', 3, [{ tag: 112, value: 'x' }]));
    // 3 answered, then the queued 4 (an AE with no body: rejected by the dictionary) and 5.
    assert.deepEqual(sent(c), ['35=0|34=3|112=x', '35=3|34=4|45=4|371=571|372=AE|373=1|58=required tag 571 (TradeReportID) missing']);
    assert.equal(s.session.seqNums.nextTargetSeq, 6);
  });

  it('a gap fill (SequenceReset 123=Y) moves the expected seq and releases the queue', () => {
    const s = loggedOn();
    s.recv(inbound('1', 6, [{ tag: 112, value: 'q' }]));
    const a = s.recv(inbound('4', 2, [{ tag: 123, value: 'Y' }, { tag: 36, value: '6' }], { header: [{ tag: 43, value: 'Y' }, { tag: 122, value: '20261130-08:59:59.000' }] }));
    assert.deepEqual(sent(a), ['35=0|34=3|112=q']);
    assert.equal(s.session.seqNums.nextTargetSeq, 7);
  });

  it('SequenceReset-Reset ignores its own seq; NewSeqNo below the expected one is rejected (373=5)', () => {
    const s = loggedOn();
    assert.deepEqual(sent(s.recv(inbound('4', 99, [{ tag: 36, value: '20' }]))), []);
    assert.equal(s.session.seqNums.nextTargetSeq, 20);
    assert.deepEqual(sent(s.recv(inbound('4', 1, [{ tag: 36, value: '5' }]))), ['35=3|34=2|45=1|371=36|372=4|373=5|58=NewSeqNo 5 must be above 20']);
    assert.equal(s.session.seqNums.nextTargetSeq, 20);
  });

  it('MsgSeqNum too low without PossDupFlag: Logout and disconnect', () => {
    const s = loggedOn();
    s.recv(inbound('0', 2));
    const a = s.recv(inbound('0', 2));
    assert.deepEqual(sent(a), ['35=5|34=2|58=MsgSeqNum too low, expecting 3 but received 2']);
    assert.deepEqual(kinds(a), ['disconnect']);
  });

  it('PossDupFlag=Y below the expected seq is ignored; without OrigSendingTime it is rejected (373=1)', () => {
    const s = loggedOn();
    s.recv(inbound('0', 2));
    const dup = [{ tag: 43, value: 'Y' }, { tag: 122, value: '20261130-08:59:00.000' }];
    assert.deepEqual(sent(s.recv(inbound('AE', 2, [], { header: dup }))), []);
    assert.deepEqual(sent(s.recv(inbound('AE', 2, [], { header: [{ tag: 43, value: 'Y' }] }))), ['35=3|34=2|45=2|371=122|372=AE|373=1|58=OrigSendingTime (122) required with PossDupFlag']);
    assert.equal(s.session.status, 'active');
  });

  it('answers a ResendRequest from the store: app messages with PossDupFlag, admin ones gap-filled', () => {
    const s = loggedOn();
    s.app('AR'); // 2
    s.recv(inbound('1', 2, [{ tag: 112, value: 't' }])); // Heartbeat 3
    s.app('AR'); // 4
    const a = s.recv(inbound('2', 3, [{ tag: 7, value: '1' }, { tag: 16, value: '0' }]));
    assert.deepEqual(sent(a), ['35=4|34=1|43=Y|123=Y|36=2', '35=AR|34=2|43=Y|58=app', '35=4|34=3|43=Y|123=Y|36=4', '35=AR|34=4|43=Y|58=app']);
    assert.equal(s.session.seqNums.nextSenderSeq, 5, 'resending takes no new seqs');
  });
});

describe('FixSession: header problems end the session', () => {
  it('wrong CompID: Reject 373=9, Logout, disconnect', () => {
    const s = loggedOn();
    const a = s.recv(inbound('0', 2, [], { sender: 'OTHER' }));
    assert.deepEqual(sent(a), ['35=3|34=2|45=2|371=49|372=0|373=9|58=CompID problem', '35=5|34=3|58=CompID problem']);
    assert.deepEqual(kinds(a), ['disconnect']);
  });

  it('SendingTime outside the tolerance: Reject 373=10, Logout, disconnect', () => {
    const s = loggedOn();
    const a = s.recv(inbound('0', 2, [], { at: T0 - 121_000 }));
    assert.deepEqual(sent(a), ['35=3|34=2|45=2|371=52|372=0|373=10|58=SendingTime accuracy problem', '35=5|34=3|58=SendingTime accuracy problem']);
    assert.deepEqual(kinds(a), ['disconnect']);
  });

  it('wrong BeginString: Logout, disconnect', () => {
    const s = loggedOn();
    const a = s.recv(inbound('0', 2, [], { begin: 'FIX.4.2' }));
    assert.deepEqual(sent(a), ['35=5|34=2|58=BeginString must be FIX.4.4']);
    assert.deepEqual(kinds(a), ['disconnect']);
  });
});

describe('FixSession: the data dictionary (Reject 35=3, the seq counts)', () => {
  const cases: Array<[string, string, import('../codec/fix-message.js').FixField[], string]> = [
    ['tag without a value', '1', [{ tag: 112, value: '' }], '371=112|372=1|373=4'],
    ['invalid tag number', '0', [{ tag: 7777, value: 'x' }], '371=7777|372=0|373=0'],
    ['tag not defined for the message', '0', [{ tag: 55, value: 'x' }], '371=55|372=0|373=2'],
    ['incorrect data format', '2', [{ tag: 7, value: 'x' }, { tag: 16, value: '0' }], '371=7|372=2|373=6'],
    ['value out of range', 'AE', [{ tag: 487, value: '9' }], '371=487|372=AE|373=5'],
    ['header tag after the body', '0', [{ tag: 112, value: 'x' }, { tag: 43, value: 'N' }], '371=43|372=0|373=14'],
    ['tag appears twice', '0', [{ tag: 112, value: 'x' }, { tag: 112, value: 'y' }], '371=112|372=0|373=13'],
    ['required tag missing', '1', [], '371=112|372=1|373=1'],
    ['invalid MsgType', 'ZZ', [], '371=35|372=ZZ|373=11'],
  ];
  for (const [name, msgType, body, expect] of cases) {
    it(name, () => {
      const s = loggedOn();
      const [m] = sent(s.recv(inbound(msgType, 2, body)));
      assert.match(m!, new RegExp(`^35=3\\|34=2\\|45=2\\|${expect.replace(/\|/g, '\\|')}\\|58=`));
      assert.equal(s.session.seqNums.nextTargetSeq, 3);
    });
  }

  const sides = (n: string, rest: Array<[number, string]>) => [
    { tag: 571, value: 'R1' }, { tag: 570, value: 'N' }, { tag: 55, value: 'X' }, { tag: 32, value: '1' }, { tag: 31, value: '1' },
    { tag: 75, value: '20261130' }, { tag: 60, value: '20261130-09:00:00' }, { tag: 552, value: n }, ...rest.map(([tag, value]) => ({ tag, value })),
  ];
  it('repeating group: NumInGroup that does not match (373=16)', () => {
    const s = loggedOn();
    assert.match(sent(s.recv(inbound('AE', 2, sides('2', [[54, '1']]))))[0]!, /371=552\|372=AE\|373=16/);
  });
  it('repeating group: fields out of order (373=15)', () => {
    const s = loggedOn();
    assert.match(sent(s.recv(inbound('AE', 2, sides('1', [[54, '1'], [453, '0'], [37, 'O']]))))[0]!, /371=37\|372=AE\|373=15/);
  });
  it('a valid TradeCaptureReport with nested parties is delivered', () => {
    const s = loggedOn();
    const a = s.recv(inbound('AE', 2, sides('1', [[54, '1'], [453, '2'], [448, 'A'], [447, 'N'], [452, '1'], [448, 'B'], [447, 'N'], [452, '17'], [9001, 'U']] as Array<[number, string]>)));
    assert.deepEqual(kinds(a), ['deliver']);
  });
  it('a defined but unsupported MsgType gets BusinessMessageReject 380=3', () => {
    const s = loggedOn();
    assert.deepEqual(sent(s.recv(inbound('D', 2))), ['35=j|34=2|45=2|372=D|380=3|58=unsupported MsgType D']);
    assert.equal(s.session.seqNums.nextTargetSeq, 3);
  });
});

describe('FixSession: logout', () => {
  it("answers the counterparty's Logout and disconnects", () => {
    const s = loggedOn();
    const a = s.recv(inbound('5', 2));
    assert.deepEqual(sent(a), ['35=5|34=2']);
    assert.deepEqual(kinds(a), ['disconnect']);
  });
  it('our Logout waits for theirs, then disconnects without another; or times out', () => {
    const s = loggedOn();
    assert.deepEqual(sent(s.session.logout(T0, 'shutting down')), ['35=5|34=2|58=shutting down']);
    assert.equal(s.session.status, 'logout_sent');
    const a = s.recv(inbound('5', 2));
    assert.deepEqual(sent(a), []);
    assert.deepEqual(kinds(a), ['disconnect']);
    const t = loggedOn();
    t.session.logout(T0, 'bye');
    assert.deepEqual(kinds(t.tick(T0 + 2_000)), ['disconnect']);
  });
  it('resetOnLogout resets the seqs', () => {
    const s = loggedOn({ resetOnLogout: true });
    assert.ok(kinds(s.recv(inbound('5', 2))).includes('reset'));
    assert.deepEqual(s.session.seqNums, { nextSenderSeq: 1, nextTargetSeq: 1 });
  });
});
