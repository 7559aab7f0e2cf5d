package dev.writ.cli;

import dev.writ.store.postgres.PostgresStoreSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --store URL [--store-user USER] [--store-password-file FILE]}: the shared PostgreSQL
 * store ({@code writ serve}, {@code writ audit export}). The password comes from
 * {@code WRIT_STORE_PASSWORD} or a file (a mounted secret), never from the command line, where
 * every user of the machine could read it.
 */
final class StoreOptions {
  static final String PASSWORD_ENV = "WRIT_STORE_PASSWORD";

  @Option(names = "--store", paramLabel = "URL", description = "The PostgreSQL store that keeps grants, pending "
      + "requests and the audit trail, shared by every `writ serve` on the same database: "
      + "jdbc:postgresql://HOST:PORT/DB (the user may be given as ?user=NAME). `writ serve` creates or migrates "
      + "its schema at start.")
  String url;

  @Option(names = "--store-user", paramLabel = "USER", description = "The database user (unless in the --store URL).")
  String user;

  @Option(names = "--store-password-file", paramLabel = "FILE", description = "A file holding the database "
      + "password (its first line); otherwise from the environment variable " + PASSWORD_ENV + ".")
  Path passwordFile;

  boolean given() {
    return url != null;
  }

  /** The settings, or empty without {@code --store}; a {@link UserError} naming the option for a mistake. */
  Optional<PostgresStoreSettings> settings(Map<String, String> env) {
    if (url == null) {
      if (user != null || passwordFile != null) {
        throw new UserError((user != null ? "--store-user" : "--store-password-file") + " goes with --store URL");
      }
      return Optional.empty();
    }
    PostgresStoreSettings s;
    try {
      s = PostgresStoreSettings.of(url);
    } catch (IllegalArgumentException e) {
      throw new UserError("--store: " + e.getMessage());
    }
    Optional<String> password = Optional.empty();
    if (passwordFile != null) {
      try {
        String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
        String first = text.lines().findFirst().orElse("");
        if (first.isEmpty()) {
          throw new UserError("--store-password-file " + passwordFile + " is empty");
        }
        password = Optional.of(first);
      } catch (IOException e) {
        throw new UserError("--store-password-file: cannot read " + passwordFile + ": "
            + (Files.exists(passwordFile) ? e.getMessage() : "no such file"));
      }
    } else if (env.get(PASSWORD_ENV) != null && !env.get(PASSWORD_ENV).isEmpty()) {
      password = Optional.of(env.get(PASSWORD_ENV));
    }
    return Optional.of(s.withUser(Optional.ofNullable(user)).withPassword(password));
  }
}
