package dev.writ.engine.grant;

import java.security.SecureRandom;

/**
 * How new grants and pending requests are named. A service exposed to callers needs ids that
 * are unique and cannot be guessed (one caller must not find another's grant by counting), and
 * across several replicas they must not collide without coordination: {@link #random()}, 96
 * random bits. Fixture suites and demos want the same ids on every run: {@link #sequential()}.
 */
@FunctionalInterface
public interface GrantIds {
  /** A new id, not yet used in {@code table}. */
  String next(GrantTable table);

  /** {@code g-} and 96 random bits in lowercase base32 (20 characters), e.g. {@code g-k3x9q2m7a1...}. */
  static GrantIds random() {
    return RandomIds.INSTANCE;
  }

  /** {@code g-000001}, {@code g-000002}, ...: reproducible, and guessable; for tests and demos. */
  static GrantIds sequential() {
    return GrantTable::nextId;
  }

  /** The random source, one per process (SecureRandom is thread-safe). */
  final class RandomIds implements GrantIds {
    private static final RandomIds INSTANCE = new RandomIds();
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private final SecureRandom random = new SecureRandom();

    private RandomIds() {}

    @Override
    public String next(GrantTable table) {
      while (true) {
        byte[] bits = new byte[12];
        random.nextBytes(bits);
        String id = "g-" + base32(bits);
        if (!table.contains(id)) {
          return id;
        }
      }
    }

    private static String base32(byte[] bytes) {
      StringBuilder out = new StringBuilder(20);
      int buffer = 0;
      int bits = 0;
      for (byte b : bytes) {
        buffer = (buffer << 8) | (b & 0xff);
        bits += 8;
        while (bits >= 5) {
          out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
          bits -= 5;
        }
      }
      if (bits > 0) {
        out.append(BASE32[(buffer << (5 - bits)) & 31]);
      }
      return out.toString();
    }
  }
}
