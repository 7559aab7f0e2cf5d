package dev.writ.replicas;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A throw-away PostgreSQL for trying {@code writ serve --store} and for the replica benchmark
 * ({@code benchmarks/http/replicas-wrk.sh}), with no PostgreSQL installed: the same embedded
 * server the tests start, durable commits on, in {@code DIR}, on loopback. Prints one
 * {@code --store} URL per database named, then runs until its standard input closes.
 *
 * <pre>java -cp TEST_CLASSPATH dev.writ.replicas.PostgresMain DIR [DATABASE...]</pre>
 */
public final class PostgresMain {
  private PostgresMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: PostgresMain DIR [DATABASE...]");
      System.exit(2);
    }
    try (Database db = new Database(Path.of(args[0]))) {
      System.err.println(db.version());
      for (int i = 1; i < args.length; i++) {
        System.out.println(db.newDatabase(args[i]));
      }
      System.out.println("ready");
      System.out.flush();
      while (System.in.read() >= 0) {
        // until stdin closes
      }
    }
  }
}
