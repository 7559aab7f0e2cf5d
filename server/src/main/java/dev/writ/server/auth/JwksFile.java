package dev.writ.server.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.ParseException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An issuer's public keys, from a JWKS file that an operator (or a sidecar fetching the IdP's
 * {@code jwks_uri}) keeps up to date. Re-read when the file changes, looked at no more than
 * once per {@code checkEvery} nanos; a change that does not parse is logged and the keys read
 * before keep verifying. Only the public part of each key is kept.
 */
final class JwksFile {
  private static final Logger LOG = LoggerFactory.getLogger(JwksFile.class);

  private record Stamp(long modified, long size, Object key) {}

  private final Path file;
  private final long checkEveryNanos;
  private volatile List<JWK> keys;
  private volatile Stamp stamp;
  private volatile long lastCheck;
  /** Counts the key sets read; a token verified with an earlier set is verified again. */
  private volatile long version;

  /**
   * Reads the file now.
   *
   * @throws IllegalArgumentException with a message naming the file when it cannot be used
   */
  JwksFile(Path file, long checkEveryNanos) {
    this.file = file;
    this.checkEveryNanos = checkEveryNanos;
    this.stamp = stamp();
    this.keys = read();
    this.lastCheck = System.nanoTime();
  }

  /** The keys as of now (re-reading the file first if it changed). */
  List<JWK> keys() {
    refreshIfDue();
    return keys;
  }

  /** Which key set {@link #keys()} answers now: it changes whenever the file is read again. */
  long version() {
    refreshIfDue();
    return version;
  }

  private void refreshIfDue() {
    long now = System.nanoTime();
    if (now - lastCheck >= checkEveryNanos) {
      refresh(now);
    }
  }

  private synchronized void refresh(long now) {
    if (now - lastCheck < checkEveryNanos) {
      return;
    }
    lastCheck = now;
    Stamp s = stamp();
    if (Objects.equals(s, stamp)) {
      return;
    }
    try {
      keys = read();
      version++;
      stamp = s;
      LOG.info("reloaded {}: {} keys", file, keys.size());
    } catch (IllegalArgumentException e) {
      stamp = s; // retried when the file changes again
      LOG.warn("refused a change of {}: {}; the keys read before keep verifying", file, e.getMessage());
    }
  }

  private Stamp stamp() {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime().toMillis(), a.size(), a.fileKey());
    } catch (IOException e) {
      return new Stamp(-1, -1, null);
    }
  }

  private List<JWK> read() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read the JWKS file: " + e.getMessage());
    }
    JWKSet set;
    try {
      set = JWKSet.parse(text);
    } catch (ParseException e) {
      throw new IllegalArgumentException(file + ": not a JWK set (RFC 7517): " + e.getMessage());
    }
    if (set.getKeys().isEmpty()) {
      throw new IllegalArgumentException(file + ": the JWK set holds no keys");
    }
    return set.getKeys().stream().map(JWK::toPublicJWK).filter(Objects::nonNull).toList();
  }
}
