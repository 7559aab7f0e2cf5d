package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.writ.engine.json.DataDocument;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** The router on its own: an unexpected exception is a 500 with a generic message, never the exception's text. */
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
}
