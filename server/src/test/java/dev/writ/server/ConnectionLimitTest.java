package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * The connector's connection limit: with {@code maxConnections} open, the server stops accepting
 * (further connections wait in the accept queue) and accepts again when one closes.
 */
class ConnectionLimitTest {
  static final int MAX = 3;

  @Test
  void atTheLimitNewConnectionsWaitUntilOneCloses() throws Exception {
    Server jetty = new Server();
    ServerConfig config = ServerConfig.defaults().withPort(0)
        .withLimits(new ServerConfig.Limits(Duration.ofSeconds(30), 1024, MAX));
    ServerConnector connector = Connectors.add(jetty, config, WritServer.httpConfiguration(), new ServerMetrics());
    jetty.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.write(true, ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), callback);
        return true;
      }
    });
    jetty.start();
    List<Socket> idle = new ArrayList<>();
    try {
      NetworkConnectionLimit limit = jetty.getBean(NetworkConnectionLimit.class);
      for (int i = 0; i < MAX; i++) {
        idle.add(new Socket("127.0.0.1", connector.getLocalPort()));
      }
      SlowClientsTest.awaitTrue(() -> limit.getNetworkConnectionCount() == MAX, Duration.ofSeconds(10),
          () -> "the idle connections are accepted; open: " + limit.getNetworkConnectionCount());
      assertFalse(connector.isAccepting(), "at the limit, the connector stops accepting");

      try (Socket waiting = new Socket("127.0.0.1", connector.getLocalPort())) {
        waiting.setSoTimeout(10_000);
        waiting.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        assertEquals(MAX, limit.getNetworkConnectionCount(), "the extra connection is not accepted");
        idle.remove(0).close();
        InputStream in = waiting.getInputStream();
        String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("ok"), answer);
      }
    } finally {
      for (Socket s : idle) {
        s.close();
      }
      jetty.stop();
    }
  }
}
