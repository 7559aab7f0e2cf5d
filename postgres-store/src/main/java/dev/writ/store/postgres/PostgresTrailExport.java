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

  /** How many records were written, and the hash the last one states (the genesis hash when none). */
  public record Result(long records, String head) {}

  /**
   * @throws StoreUnavailableException when the database cannot be reached, or holds no trail
   * @throws UncheckedIOException      when {@code out} cannot be written
   */
  public static Result export(PostgresStoreSettings settings, Writer out) {
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
      try (PreparedStatement ps = c.prepareStatement("SELECT line, hash FROM writ_trail ORDER BY seq")) {
        ps.setFetchSize(1000);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            out.write(r.getString(1));
            out.write('\n');
            head = r.getString(2);
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
      return new Result(n, head);
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read the trail in " + settings.location() + ": "
          + PostgresGrantStore.rootMessage(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
