import java.io.FileWriter;
import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import quickfix.Application;
import quickfix.FileStoreFactory;
import quickfix.Group;
import quickfix.Message;
import quickfix.SLF4JLogFactory;
import quickfix.Session;
import quickfix.SessionID;
import quickfix.SessionSettings;
import quickfix.SocketInitiator;
import quickfix.fix44.MessageFactory;

/**
 * A FIX 4.4 initiator on QuickFIX/J (an engine this project did not write) for the interoperability
 * fault test: it logs on to the gateway, sends `count` TradeCaptureReports (35=AE) paced, and
 * records every TradeCaptureReportAck (35=AR) it gets, one line per ack: `<TradeReportID> <TrdRptStatus>`.
 * Reconnecting and resending after the gateway dies is QuickFIX/J's own doing (file store,
 * ResendRequest handling); this program only sends and listens. Exits 0 once every report is
 * acknowledged as accepted, 1 on a rejection or the deadline.
 *
 * Run as a single source file: java -cp "target/libs/*" TradeInitiator.java HOST PORT COUNT RUN_ID STORE_DIR ACK_FILE [DEADLINE_S [TRUSTSTORE_P12 [PASSWORD]]]
 */
public class TradeInitiator implements Application {
  static final String REPORTING_LEI = "5493001KJTIIGC8Y1R12";
  static final String COUNTERPARTY_LEI = "529900T8BM49AURSDO55";
  static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd-HH:mm:ss.SSS");

  final Set<String> accepted = ConcurrentHashMap.newKeySet();
  final Set<String> rejected = ConcurrentHashMap.newKeySet();
  final CountDownLatch loggedOn = new CountDownLatch(1);
  final PrintWriter acks;
  final int count;

  TradeInitiator(int count, String ackFile) throws Exception {
    this.count = count;
    this.acks = new PrintWriter(new FileWriter(ackFile, true), true);
  }

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    String runId = args[3];
    long deadlineS = args.length > 6 ? Long.parseLong(args[6]) : 300;
    TradeInitiator app = new TradeInitiator(count, args[5]);

    SessionSettings settings = new SessionSettings();
    SessionID id = new SessionID("FIX.4.4", "OMS1", "GATEWAY");
    settings.setString(id, "ConnectionType", "initiator");
    settings.setString(id, "SocketConnectHost", host);
    settings.setLong(id, "SocketConnectPort", port);
    settings.setString(id, "StartTime", "00:00:00");
    settings.setString(id, "EndTime", "00:00:00");
    settings.setString(id, "NonStopSession", "Y");
    settings.setLong(id, "HeartBtInt", 5);
    settings.setLong(id, "ReconnectInterval", 1);
    settings.setString(id, "FileStorePath", args[4]);
    settings.setString(id, "UseDataDictionary", "Y");
    settings.setString(id, "DataDictionary", "FIX44.xml");
    settings.setString(id, "ValidateUserDefinedFields", "N");
    settings.setString(id, "PersistMessages", "Y");
    if (args.length > 7) {
      // FIX over TLS: the gateway's certificate must chain to the CA in this PKCS12 truststore.
      settings.setString(id, "SocketUseSSL", "Y");
      settings.setString(id, "SocketTrustStore", args[7]);
      settings.setString(id, "SocketTrustStorePassword", args.length > 8 ? args[8] : "changeit");
      settings.setString(id, "TrustStoreType", "PKCS12");
      settings.setString(id, "EnabledProtocols", "TLSv1.2,TLSv1.3");
    }

    SocketInitiator initiator = new SocketInitiator(app, new FileStoreFactory(settings), settings, new SLF4JLogFactory(settings), new MessageFactory());
    initiator.start();
    if (!app.loggedOn.await(30, TimeUnit.SECONDS)) fail(initiator, "no Logon answer within 30 s");
    long deadline = System.currentTimeMillis() + deadlineS * 1000;
    for (int i = 0; i < count; i++) {
      // Sent whether or not the session is up: QuickFIX/J stores it and resends on request.
      Session.sendToTarget(app.report(runId + "-" + i), id);
      if (i % 50 == 49) Thread.sleep(20);
    }
    while (app.accepted.size() + app.rejected.size() < count && System.currentTimeMillis() < deadline) Thread.sleep(100);
    System.out.println("{\"sent\":" + count + ",\"accepted\":" + app.accepted.size() + ",\"rejected\":" + app.rejected.size() + "}");
    initiator.stop();
    app.acks.close();
    System.exit(app.accepted.size() == count ? 0 : 1);
  }

  static void fail(SocketInitiator initiator, String why) {
    System.err.println("TradeInitiator: " + why);
    initiator.stop(true);
    System.exit(2);
  }

  Message report(String tradeReportId) {
    Message m = new quickfix.fix44.TradeCaptureReport();
    String now = LocalDateTime.now(ZoneOffset.UTC).format(UTC);
    m.setString(571, tradeReportId);
    m.setString(487, "0");
    m.setString(570, "N");
    m.setString(55, "AAPL");
    m.setString(48, "US0378331005");
    m.setString(22, "4");
    m.setString(32, "100");
    m.setString(31, "187.25");
    m.setString(15, "USD");
    m.setString(75, now.substring(0, 8));
    m.setString(60, now);
    m.setString(30, "XOFF");
    m.setString(381, "18725.00");
    // UTI (ISO 23897): the LEI and at most 32 more characters A-Z 0-9; the id's tail keeps it unique.
    String utiSuffix = tradeReportId.replaceAll("[^A-Za-z0-9]", "").toUpperCase();
    if (utiSuffix.length() > 32) utiSuffix = utiSuffix.substring(utiSuffix.length() - 32);
    m.setString(20001, REPORTING_LEI + utiSuffix);
    m.setString(20003, "EQ");
    m.addGroup(side("1", "O-" + tradeReportId, REPORTING_LEI, "1"));
    m.addGroup(side("2", "O-" + tradeReportId + "-C", COUNTERPARTY_LEI, "17"));
    return m;
  }

  static Group side(String side, String orderId, String lei, String role) {
    Group s = new Group(552, 54, new int[] {54, 37, 11, 453, 1});
    s.setString(54, side);
    s.setString(37, orderId);
    Group p = new Group(453, 448, new int[] {448, 447, 452});
    p.setString(448, lei);
    p.setString(447, "N");
    p.setString(452, role);
    s.addGroup(p);
    return s;
  }

  @Override public void fromApp(Message message, SessionID sessionId) {
    try {
      if (!"AR".equals(message.getHeader().getString(35))) return;
      String reportId = message.getString(571);
      String status = message.getString(939);
      acks.println(reportId + " " + status);
      ("0".equals(status) ? accepted : rejected).add(reportId);
      if (!"0".equals(status)) System.err.println("rejected: " + message.toString().replace('\u0001', '|'));
    } catch (quickfix.FieldNotFound e) {
      System.err.println("AR without a field: " + e);
    }
  }

  @Override public void onLogon(SessionID sessionId) { loggedOn.countDown(); }
  @Override public void onCreate(SessionID sessionId) {}
  @Override public void onLogout(SessionID sessionId) {}
  @Override public void toAdmin(Message message, SessionID sessionId) {}
  @Override public void fromAdmin(Message message, SessionID sessionId) {}
  @Override public void toApp(Message message, SessionID sessionId) {}
}
