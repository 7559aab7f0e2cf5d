package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.json.DataDocument;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * The router on its own: an unexpected exception is a 500 with a generic message, never the
 * exception's text; direct routes are answered on the thread that read the call, and any other
 * route is handed to the pool, so that one that blocks never stalls the calls read after it.
 */
class RouterTest {
  @Test
  void unexpectedErrorsAreA500WithoutDetails() throws Exception {
    ServerMetrics metrics = new ServerMetrics();
    Router router = new Router(1024, metrics, dev.writ.server.auth.Authenticator.open(), java.util.Set.of())
        .add("GET", "/boom", Router.Access.PUBLIC, call -> {
          throw new IllegalStateException("secret internal detail");
        })
        .add("GET", "/ok/{x}", Router.Access.PUBLIC, call -> Reply.ok(DataDocument.JSON.createObjectNode().put("x", call.param("x"))));
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty,
        new org.eclipse.jetty.server.HttpConnectionFactory(WritServer.httpConfiguration()));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(router);
    jetty.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
      HttpResponse<String> boom = http.send(HttpRequest.newBuilder(base.resolve("/boom")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(500, boom.statusCode());
      assertEquals("{\"error\":\"internal error; the service log has the details\",\"at\":\"server\"}", boom.body());
      assertFalse(boom.body().contains("secret"));
      HttpResponse<String> ok = http.send(HttpRequest.newBuilder(base.resolve("/ok/a%2Fb%20c")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals("{\"x\":\"a/b c\"}", ok.body(), "segments are decoded one by one");
      assertEquals(1.0, metrics.registry().get("writ.http.requests").tag("status", "500").timer().count());
    } finally {
      jetty.stop();
    }
  }

  @Test
  void directRoutesAnswerWhereTheCallIsReadAndBlockingOnesNeverStallThem() throws Exception {
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Router router = new Router(1024, new ServerMetrics(), dev.writ.server.auth.Authenticator.open(), java.util.Set.of())
        .add("GET", "/wait", Router.Access.PUBLIC, call -> {
          entered.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Reply.ok(DataDocument.JSON.createObjectNode().put("read", readingCall()));
        })
        .addDirect("POST", "/direct", java.util.Set.of(), Router.Access.PUBLIC,
            call -> Reply.ok(DataDocument.JSON.createObjectNode().put("read", readingCall())
                .put("n", call.body().field("n").node().asInt())));
    Server jetty = new Server();
    // One selector thread: had the blocking route run on it, nothing else could be read.
    ServerConnector connector = new ServerConnector(jetty, 1, 1,
        new org.eclipse.jetty.server.HttpConnectionFactory(WritServer.httpConfiguration()));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(new BodyPrefetch(router, 1024, 0));
    jetty.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
      java.util.concurrent.CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(
          HttpRequest.newBuilder(base.resolve("/wait")).build(), HttpResponse.BodyHandlers.ofString());
      entered.await();
      for (int i = 0; i < 3; i++) {
        String direct = postInOneWrite(connector.getLocalPort(), "/direct", "{\"n\": " + i + "}");
        assertEquals("{\"read\":true,\"n\":" + i + "}", direct, "answered within the read of the call");
      }
      assertFalse(waiting.isDone(), "the blocking call is still waiting");
      release.countDown();
      HttpResponse<String> waited = waiting.get();
      assertEquals(200, waited.statusCode());
      assertEquals("{\"read\":false}", waited.body(), "handed to the pool");
    } finally {
      release.countDown();
      jetty.stop();
    }
  }

  @Test
  void aDirectRouteHandsALargeBodyToThePool() throws Exception {
    int max = 4 * Router.DIRECT_BODY_LIMIT;
    Router router = new Router(max, new ServerMetrics(), dev.writ.server.auth.Authenticator.open(), java.util.Set.of())
        .addDirect("POST", "/direct", java.util.Set.of(), Router.Access.PUBLIC,
            call -> Reply.ok(DataDocument.JSON.createObjectNode().put("read", readingCall())
                .put("size", call.body().field("pad").node().asText().length())));
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty, 1, 1,
        new org.eclipse.jetty.server.HttpConnectionFactory(WritServer.httpConfiguration()));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(new BodyPrefetch(router, max, 0));
    jetty.start();
    try {
      for (int size : new int[] {100, Router.DIRECT_BODY_LIMIT, 2 * Router.DIRECT_BODY_LIMIT}) {
        String body = "{\"pad\": \"" + "x".repeat(size - 12) + "\"}";
        String r = postInOneWrite(connector.getLocalPort(), "/direct", body);
        boolean direct = body.length() <= Router.DIRECT_BODY_LIMIT;
        assertEquals("{\"read\":" + direct + ",\"size\":" + (size - 12) + "}", r,
            "a body of " + body.length() + " bytes " + (direct ? "answered in the read" : "handed to the pool"));
      }
    } finally {
      jetty.stop();
    }
  }

  @Test
  void directBodiesAreSmall() {
    assertTrue(Router.directBody(0));
    assertTrue(Router.directBody(Router.DIRECT_BODY_LIMIT));
    assertFalse(Router.directBody(Router.DIRECT_BODY_LIMIT + 1));
    assertFalse(Router.directBody(-1), "a body not read in advance is never direct");
  }

  /**
   * POSTs {@code body} with its headers in one write, so that the server reads the whole call at
   * once (a client that writes the body after the headers lets the server see them apart, and a
   * body read after its headers is handed to the pool whatever the route); returns the answer's
   * JSON body, after checking the status is 200.
   */
  private static String postInOneWrite(int port, String path, String body) throws Exception {
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
    java.io.ByteArrayOutputStream call = new java.io.ByteArrayOutputStream();
    call.writeBytes(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    call.writeBytes(bytes);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000);
      socket.setTcpNoDelay(true);
      socket.getOutputStream().write(call.toByteArray());
      socket.getOutputStream().flush();
      String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
      return answer.substring(answer.indexOf('{'), answer.lastIndexOf('}') + 1);
    }
  }

  /** Whether this thread is inside Jetty's reading of a connection (not a task handed to the pool). */
  private static boolean readingCall() {
    for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
      if (e.getClassName().equals("org.eclipse.jetty.server.internal.HttpConnection")
          && e.getMethodName().equals("onFillable")) {
        return true;
      }
    }
    return false;
  }
}
