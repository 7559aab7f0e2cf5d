package dev.writ.engine.digest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, and its lowercase hex form: the digest of trails, bundles, sources and files, written once. */
public final class Sha256 {
  private Sha256() {}

  /** A fresh digest. Every JDK has SHA-256, so its absence is an error of the platform. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** The lowercase hex of what {@code digest} has been given so far (and resets it). */
  public static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  /** The hex digest of a string's UTF-8 bytes. */
  public static String hex(String text) {
    return hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The hex digest of everything {@code in} still has, read 64 KiB at a time. */
  public static String hex(InputStream in) throws IOException {
    MessageDigest md = newDigest();
    byte[] buf = new byte[64 * 1024];
    int n;
    while ((n = in.read(buf)) >= 0) {
      md.update(buf, 0, n);
    }
    return hex(md);
  }
}
