package dev.writ.store.postgres;

import dev.writ.engine.audit.TrailFormat;
import dev.writ.engine.grant.StoreUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Writes the shared trail as JSON lines, exactly as stored (one record a line, oldest first): the
 * file {@code writ audit verify} checks, byte for byte what a file store would have written. Read
 * in one consistent snapshot (repeatable read, read only), in pages, while replicas keep writing;
 * nothing is checked or repaired on the way, so that a damaged record reaches the verifier as it is.
 */
public final class PostgresTrailExport {
  private PostgresTrailExport() {}

  /**
   * How many records were written, the seq of the last (0: none) and the hash it states (the
   * genesis hash when none).
   */
  public record Result(long records, long lastSeq, String head) {}

  /**
   * @throws StoreUnavailableException when the database cannot be reached, or holds no trail
   * @throws UncheckedIOException      when {@code out} cannot be written
   */
  public static Result export(PostgresStoreSettings settings, Writer out) {
    return export(settings, 0, out);
  }

  /**
   * The records after {@code after} ({@code seq > ? ORDER BY seq}, on the primary key).
   *
   * @throws StoreUnavailableException when the database cannot be reached, or holds no trail
   * @throws UncheckedIOException      when {@code out} cannot be written
   */
  public static Result export(PostgresStoreSettings settings, long after, Writer out) {
    Properties props = new Properties();
    settings.user().ifPresent(u -> props.setProperty("user", u));
    settings.password().ifPresent(p -> props.setProperty("password", p));
    long connectSeconds = Math.max(1, settings.connectTimeout().toSeconds());
    props.setProperty("connectTimeout", Long.toString(connectSeconds));
    props.setProperty("loginTimeout", Long.toString(connectSeconds));
    props.setProperty("ApplicationName", "writ audit export");
    try (Connection c = DriverManager.getConnection(settings.url(), props)) {
      c.setAutoCommit(false);
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      long n = 0;
      String head = TrailFormat.GENESIS;
      long last = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT line, hash, seq FROM writ_trail WHERE seq > ? "
          + "ORDER BY seq")) {
        ps.setLong(1, after);
        ps.setFetchSize(1000);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            out.write(r.getString(1));
            out.write('\n');
            head = r.getString(2);
            last = r.getLong(3);
            n++;
          }
        }
      } catch (SQLException e) {
        if ("42P01".equals(e.getSQLState())) { // undefined_table
          throw new StoreUnavailableException("there is no Writ audit trail in " + settings.location()
              + " (no table writ_trail; `writ serve --store` creates it)", e);
        }
        throw e;
      }
      c.commit();
      out.flush();
      return new Result(n, last, head);
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read the trail in " + settings.location() + ": "
          + PostgresGrantStore.rootMessage(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
