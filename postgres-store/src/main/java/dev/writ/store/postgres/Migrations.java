package dev.writ.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or migrates the store's tables with Flyway ({@code db/writ/V*__*.sql} in this module,
 * history in {@code writ_schema_history}, in the connection's current schema).
 *
 * <p>Several replicas start at once: each takes a transaction-scoped advisory lock on one
 * connection before Flyway runs, so one migrates while the others wait and then find nothing to
 * do. Flyway locks too, but not around the creation of its own history table on an empty
 * database; this lock covers the whole of it. A process that dies while holding it loses its
 * connection, and with it the lock.
 */
final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** The advisory lock key of a migration: the bytes of "writ-mig". */
  static final long LOCK_KEY = 0x777269742d6d6967L;

  private Migrations() {}

  /** Migrates to the latest version; returns how many migrations this call applied. */
  static int migrate(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        // Wait for another replica's migration (however long it takes, within reason), and do
        // not let the database end this session while it sits idle holding the lock.
        st.execute("SET LOCAL lock_timeout = '120s'; SET LOCAL idle_in_transaction_session_timeout = 0; "
            + "SET LOCAL statement_timeout = 0; SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
        MigrateResult result = Flyway.configure(Migrations.class.getClassLoader())
            .dataSource(ds)
            .locations("classpath:db/writ")
            .table("writ_schema_history")
            // A database that already holds other tables (shared with other applications) is fine:
            // every table of Writ's is named writ_*.
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .cleanDisabled(true)
            .load()
            .migrate();
        c.commit();
        if (result.migrationsExecuted > 0) {
          LOG.info("store: schema migrated to version {} ({} migrations)", result.targetSchemaVersion,
              result.migrationsExecuted);
        }
        return result.migrationsExecuted;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }
}
