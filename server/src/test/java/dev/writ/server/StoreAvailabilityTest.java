package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.GrantStore;
import dev.writ.engine.grant.GrantTable;
import dev.writ.engine.grant.StoreUnavailableException;
import dev.writ.engine.json.DataDocument;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that cannot be reached: the router answers 503 at {@code store} (fail closed), the
 * store's calls are timed and counted, and {@code /health} says so while still answering. (The
 * same with real processes and a real database that stops: replicas-it, {@code OutageIT}.)
 */
class StoreAvailabilityTest {
  @TempDir
  Path dir;

  @Test
  void anUnavailableStoreIsA503AtStoreWithRetryAfter() throws Exception {
    ServerMetrics metrics = new ServerMetrics();
    Router router = new Router(1024, metrics, dev.writ.server.auth.Authenticator.open(), Set.of())
        .add("POST", "/v1/actions", Router.Access.PUBLIC, call -> {
          throw new StoreUnavailableException("the grant store is unavailable: nothing was recorded");
        });
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(WritServer.httpConfiguration()));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(router);
    jetty.start();
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/v1/actions"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(503, r.statusCode());
      assertEquals("{\"error\":\"the grant store is unavailable: nothing was recorded\",\"at\":\"store\"}", r.body());
      assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
      assertEquals(1.0, metrics.registry().get("writ.http.requests").tag("status", "503").timer().count());
    } finally {
      jetty.stop();
    }
  }

  /** A store that answers until told not to. */
  static final class Switchable implements GrantStore {
    final GrantStore real = dev.writ.engine.grant.EventSourcedGrantStore.inMemory();
    final AtomicBoolean down = new AtomicBoolean();

    private void check() {
      if (down.get()) {
        throw new StoreUnavailableException("the grant store is unavailable: cannot read the grants");
      }
    }

    @Override
    public <T> Committed<T> commit(Function<GrantTable, Change<T>> op) {
      check();
      return real.commit(op);
    }

    @Override
    public <T> T read(Function<GrantTable, T> query) {
      check();
      return real.read(query);
    }

    @Override
    public dev.writ.engine.audit.AuditPage audit(long after, int limit, Predicate<AuditRecord> filter) {
      check();
      return real.audit(after, limit, filter);
    }

    @Override
    public long lastSeq() {
      check();
      return real.lastSeq();
    }

    @Override
    public String head() {
      check();
      return real.head();
    }

    @Override
    public void close() {
      real.close();
    }
  }

  @Test
  void storeCallsAreTimedCountedAndShownInHealth() {
    ServerMetrics metrics = new ServerMetrics();
    Switchable store = new Switchable();
    MeteredGrantStore metered = new MeteredGrantStore(store, metrics.registry(), "postgresql");
    ServiceStore service = new ServiceStore(metered, "postgresql", "jdbc:postgresql://db/writ",
        java.util.Optional.empty(), List.of());
    GrantRuntime runtime = new GrantRuntime(metered, Clock.systemUTC(), null);

    ObjectNode up = DataDocument.JSON.createObjectNode();
    assertTrue(service.health(up, runtime));
    assertEquals("{\"grants_active\":0,\"audit_head\":\"" + "0".repeat(64) + "\",\"store\":{\"kind\":\"postgresql\","
        + "\"reachable\":true}}", up.toString());

    store.down.set(true);
    ObjectNode down = DataDocument.JSON.createObjectNode();
    assertFalse(service.health(down, runtime));
    JsonNode s = down.path("store");
    assertFalse(s.path("reachable").asBoolean());
    assertEquals("the grant store is unavailable: cannot read the grants", s.path("error").asText());
    assertTrue(down.path("grants_active").isNull() && down.path("audit_head").isNull(), down.toString());
    assertFalse(down.toString().contains("jdbc:"), "the database's address is not shown");
    assertThrows(StoreUnavailableException.class, () -> metered.update(t -> GrantStore.Change.of(List.of(), 1)));
    assertFalse(metered.up());

    var registry = metrics.registry();
    assertEquals(0.0, registry.get("writ.store.up").gauge().value());
    assertEquals(1.0, registry.get("writ.store.errors").tag("operation", "update").counter().count());
    assertEquals(1.0, registry.get("writ.store.errors").tag("operation", "read").counter().count());
    assertEquals(1, registry.get("writ.store").tag("operation", "update").tag("outcome", "unavailable").timer()
        .count());
    assertEquals(2, registry.get("writ.store").tag("operation", "read").tag("outcome", "ok").timer().count());

    store.down.set(false);
    assertEquals(1, (int) metered.update(t -> GrantStore.Change.of(List.of(), 1)));
    assertTrue(metered.up());
    assertEquals(1.0, registry.get("writ.store.up").gauge().value());
  }

  @Test
  void theFileStoreIsShownInHealth() {
    try (TestServer s = new TestServer(dir)) {
      JsonNode h = s.get("/health").json();
      assertEquals("ok", h.path("status").asText());
      assertEquals("file", h.path("store").path("kind").asText(), h.toString());
      assertTrue(h.path("store").path("reachable").asBoolean(), h.toString());
      String metrics = s.get("/metrics").body();
      assertTrue(metrics.contains("writ_store_up{kind=\"file\"} 1.0"), metrics);
    }
  }
}
