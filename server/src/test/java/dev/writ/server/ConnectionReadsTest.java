package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keep-alive connections over a real socket, with {@link SparingEndPoint} skipping the reads that
 * cannot find anything: every call on a connection is answered, whether the caller waits for each
 * answer, pipelines several calls in one write, or sends a call in pieces with pauses between
 * them (a skipped read must never leave bytes unread until the idle timeout). The answers are
 * those the same calls get one by one from a fresh connection.
 */
class ConnectionReadsTest {
  /** Calls of several kinds: direct decisions (answered on the selector), pool routes, errors. */
  private static final List<String> CALLS = List.of(
      post("/v1/decisions", "{\"principal\":\"Employee::alice\",\"actions\":\"db:select\","
          + "\"resource\":\"Database::metrics\",\"context\":{\"mfa\":true}}"),
      post("/v1/decisions", "{\"principal\":\"Employee::bob\",\"actions\":[\"db:insert\",\"db:delete\"],"
          + "\"resource\":\"Database::orders\",\"context\":{\"mfa\":false}}"),
      post("/v1/decisions", "{\"requests\":[{\"principal\":\"Employee::dave\",\"actions\":\"logs:read\","
          + "\"resource\":\"Database::metrics\",\"context\":{}}]}"),
      post("/v1/decisions", "{\"principal\":"),
      "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n",
      "GET /no/such/route HTTP/1.1\r\nHost: localhost\r\n\r\n");

  @TempDir
  static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = new TestServer(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String post(String path, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length + "\r\n\r\n" + json;
  }

  /** One answer: status and body (the headers that vary, such as Date, are left out). */
  private record Answer(int status, String body) {}

  @Test
  void callsWaitedForOneByOneAreAllAnswered() throws IOException {
    long skippedBefore = SparingEndPoint.SKIPPED_READS.sum();
    try (Socket s = connect()) {
      for (int i = 0; i < 50; i++) {
        String call = CALLS.get(i % CALLS.size());
        s.getOutputStream().write(call.getBytes(StandardCharsets.UTF_8));
        assertEquals(alone(call), read(s.getInputStream()), call);
      }
    }
    // The reads after each answer were skipped (else this socket is not the sparing one).
    assertTrue(SparingEndPoint.SKIPPED_READS.sum() - skippedBefore >= 50,
        "skipped " + (SparingEndPoint.SKIPPED_READS.sum() - skippedBefore));
  }

  @Test
  void pipelinedCallsAreAllAnswered() throws IOException {
    StringBuilder all = new StringBuilder();
    List<Answer> expected = new ArrayList<>();
    for (String call : CALLS) {
      all.append(call);
      expected.add(alone(call));
    }
    try (Socket s = connect()) {
      s.getOutputStream().write(all.toString().getBytes(StandardCharsets.UTF_8));
      for (Answer e : expected) {
        assertEquals(e, read(s.getInputStream()));
      }
    }
  }

  /**
   * Any sequence of calls, sent on one connection in pieces cut at any points (within the
   * headers, the body, between calls), with a pause after each piece: the answers are those of
   * the calls sent alone.
   */
  @Test
  void callsSentInPiecesAreAnsweredAsIfSentAlone() {
    qt().withExamples(25).forAll(lists().of(integers().between(0, CALLS.size() - 1)).ofSizeBetween(1, 5),
        lists().of(integers().between(1, 400)).ofSizeBetween(1, 6), integers().between(0, 3))
        .checkAssert((picks, cuts, pauseMs) -> {
          StringBuilder all = new StringBuilder();
          List<Answer> expected = new ArrayList<>();
          for (int p : picks) {
            all.append(CALLS.get(p));
            expected.add(alone(CALLS.get(p)));
          }
          byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
          try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            int at = 0;
            for (int cut : cuts) {
              int end = Math.min(bytes.length, at + cut);
              out.write(bytes, at, end - at);
              out.flush();
              at = end;
              Thread.sleep(pauseMs);
            }
            out.write(bytes, at, bytes.length - at);
            for (Answer e : expected) {
              assertEquals(e, read(s.getInputStream()), picks + " cut at " + cuts);
            }
          } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
          }
        });
  }

  /** The answer to {@code call} on a connection of its own. */
  private static Answer alone(String call) {
    try (Socket s = connect()) {
      s.getOutputStream().write(call.getBytes(StandardCharsets.UTF_8));
      return read(s.getInputStream());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", server.server.port());
    s.setSoTimeout(5_000); // a lost wake-up shows as a timeout, long before the server's idle timeout
    s.setTcpNoDelay(true);
    return s;
  }

  /** Reads one answer with a Content-Length (every answer of these calls has one). */
  private static Answer read(InputStream in) throws IOException {
    String statusLine = line(in);
    int length = -1;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(h.substring("content-length:".length()).trim());
      }
    }
    assertTrue(length >= 0, "no Content-Length after " + statusLine);
    byte[] body = in.readNBytes(length);
    assertEquals(length, body.length, "the body was cut off");
    return new Answer(Integer.parseInt(statusLine.split(" ")[1]), new String(body, StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("the connection ended mid-answer: " + b);
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }
}
