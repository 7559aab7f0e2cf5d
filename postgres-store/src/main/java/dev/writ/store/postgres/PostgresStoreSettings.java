package dev.writ.store.postgres;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the shared store is and how to reach it. Immutable; {@link #of(String)} gives the
 * defaults and the {@code with...} methods change one setting each.
 *
 * @param url            {@code jdbc:postgresql://HOST[:PORT]/DB[?...]}; the user may be given in it ({@code ?user=})
 * @param user           the database user when not in the URL
 * @param password       the user's password (never printed: see {@link #toString()})
 * @param poolSize       most connections this process holds (writers take turns on the database anyway)
 * @param connectTimeout how long a call waits for a connection before it fails with 503 at {@code store}
 * @param lockTimeout    how long a change waits for its turn behind other replicas' changes before it fails
 * @param statementTimeout how long one statement may run before it is cancelled (a hung database)
 */
public record PostgresStoreSettings(String url, Optional<String> user, Optional<String> password, int poolSize,
                                    Duration connectTimeout, Duration lockTimeout, Duration statementTimeout) {
  public static final String URL_PREFIX = "jdbc:postgresql://";

  public PostgresStoreSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(lockTimeout, "lockTimeout");
    Objects.requireNonNull(statementTimeout, "statementTimeout");
    if (!url.startsWith(URL_PREFIX) || url.length() == URL_PREFIX.length()) {
      throw new IllegalArgumentException("expected a PostgreSQL JDBC URL, " + URL_PREFIX + "HOST:PORT/DB, got `"
          + redact(url) + "`");
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("the pool needs at least 1 connection, got " + poolSize);
    }
    if (connectTimeout.toMillis() < 250) {
      throw new IllegalArgumentException("the connect timeout must be at least 250ms");
    }
  }

  public static PostgresStoreSettings of(String url) {
    return new PostgresStoreSettings(url, Optional.empty(), Optional.empty(), 8, Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  public PostgresStoreSettings withUser(Optional<String> u) {
    return new PostgresStoreSettings(url, u, password, poolSize, connectTimeout, lockTimeout, statementTimeout);
  }

  public PostgresStoreSettings withPassword(Optional<String> p) {
    return new PostgresStoreSettings(url, user, p, poolSize, connectTimeout, lockTimeout, statementTimeout);
  }

  public PostgresStoreSettings withPoolSize(int n) {
    return new PostgresStoreSettings(url, user, password, n, connectTimeout, lockTimeout, statementTimeout);
  }

  public PostgresStoreSettings withConnectTimeout(Duration d) {
    return new PostgresStoreSettings(url, user, password, poolSize, d, lockTimeout, statementTimeout);
  }

  public PostgresStoreSettings withLockTimeout(Duration d) {
    return new PostgresStoreSettings(url, user, password, poolSize, connectTimeout, d, statementTimeout);
  }

  public PostgresStoreSettings withStatementTimeout(Duration d) {
    return new PostgresStoreSettings(url, user, password, poolSize, connectTimeout, lockTimeout, d);
  }

  /** The URL without any password in its query, for messages, logs and {@code /health}. */
  public String location() {
    return redact(url);
  }

  /** Never shows the password (the record's own {@code toString} would). */
  @Override
  public String toString() {
    return "PostgresStoreSettings[" + location() + user.map(u -> ", user " + u).orElse("")
        + (password.isPresent() ? ", password set" : "") + "]";
  }

  /** {@code url} with the value of a {@code password=} query parameter replaced by {@code ***}. */
  static String redact(String url) {
    return url.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
  }
}
