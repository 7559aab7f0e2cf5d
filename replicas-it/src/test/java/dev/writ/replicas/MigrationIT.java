package dev.writ.replicas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema is created on an empty database at the first start and left alone by a second
 * start on the migrated one; a store that cannot be used stops {@code writ serve} at start with
 * one line naming {@code --store}, never a stack trace.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MigrationIT {
  @TempDir
  Path dir;

  @Test
  void createsTheSchemaOnAnEmptyDatabaseAndLeavesAMigratedOneAlone() throws Exception {
    try (Database db = new Database(dir.resolve("pg"))) {
      String url = db.newDatabase("writ_migration");
      String id;
      try (Replica first = Replica.start("first", url, dir)) {
        assertTrue(first.output().contains("schema migrated to version 1"), first.output());
        id = first.issue("Employee::alice", "Database::metrics", "INC-1");
      }
      try (Replica second = Replica.start("second", url, dir)) {
        assertFalse(second.output().contains("schema migrated"), second.output());
        assertEquals("allow", second.act(id, "Database::metrics"));
      }
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
           ResultSet r = st.executeQuery("SELECT string_agg(version, ',' ORDER BY installed_rank) "
               + "FROM writ_schema_history WHERE success")) {
        r.next();
        assertEquals("1", r.getString(1));
      }
    }
  }

  @Test
  void anUnusableStoreStopsTheStartWithOneLineNamingTheSetting() throws Exception {
    Path policies = Replica.resources().resolve("policies");
    Replica unreachable = Replica.launch("unreachable", dir, List.of("serve", "--policies", policies.toString(),
        "--port", "0", "--store", "jdbc:postgresql://127.0.0.1:9/writ?user=writ"));
    assertEquals(2, unreachable.await(Duration.ofSeconds(60)), unreachable.output());
    String out = unreachable.output();
    assertTrue(out.contains("writ: --store: cannot connect to jdbc:postgresql://127.0.0.1:9/writ?user=writ: "), out);
    assertFalse(out.contains("\tat "), "no stack trace: " + out);

    Replica notPostgres = Replica.launch("not-postgres", dir, List.of("serve", "--policies", policies.toString(),
        "--store", "mysql://db/writ?password=secret"));
    assertEquals(2, notPostgres.await(Duration.ofSeconds(60)), notPostgres.output());
    assertTrue(notPostgres.output().contains("writ: --store: expected a PostgreSQL JDBC URL"), notPostgres.output());
    assertFalse(notPostgres.output().contains("secret"), notPostgres.output());

    Replica noPassword = Replica.launch("no-password", dir, List.of("serve", "--policies", policies.toString(),
        "--store", "jdbc:postgresql://127.0.0.1:9/writ", "--store-password-file", dir.resolve("nope").toString()));
    assertEquals(2, noPassword.await(Duration.ofSeconds(60)), noPassword.output());
    assertTrue(noPassword.output().contains("writ: --store-password-file: cannot read"), noPassword.output());

    Replica export = Replica.launch("export-nothing", dir, List.of("audit", "export", "--store",
        "jdbc:postgresql://127.0.0.1:9/writ?user=writ", "-o", dir.resolve("x.jsonl").toString()));
    assertEquals(2, export.await(Duration.ofSeconds(60)), export.output());
    assertTrue(export.output().contains("writ: --store: cannot read the trail in"), export.output());
    assertFalse(Files.exists(dir.resolve("x.jsonl")));
  }
}
