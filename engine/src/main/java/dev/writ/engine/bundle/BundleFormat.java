package dev.writ.engine.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The byte layout of a {@code .wbundle} file, versions 2 and 3 (docs/bundle-format.md): the same
 * header, manifest and signature; the plan is gzip'd JSON in version 2, a gzip'd binary plan
 * ({@link BinaryPlanCodec}) in version 3. All integers are unsigned big-endian.
 *
 * <pre>
 * offset  size  field
 *      0     8  magic "WBUNDLE" followed by a zero byte
 *      8     2  format version (3; readers also load 2)
 *     10     1  signature algorithm: 0 none, 1 Ed25519
 *     11     1  reserved, 0
 *     12     4  manifest length M
 *     16     4  plan length P
 *     20     4  signature length S (0 unsigned, 64 Ed25519)
 *     24    32  content digest: SHA-256 of bytes 0..23, the manifest and the plan
 *     56     M  manifest, UTF-8 JSON
 *   56+M     P  plan, gzip'd (binary in version 3, UTF-8 JSON in version 2)
 * 56+M+P     S  signature: Ed25519 over the 32 bytes of the content digest
 * </pre>
 *
 * The digest covers the header fields before it, so a changed version, flag or length is
 * caught like a changed byte of content; the signature covers the digest, hence everything.
 */
final class BundleFormat {
  private BundleFormat() {}

  static final byte[] MAGIC = "WBUNDLE\0".getBytes(StandardCharsets.US_ASCII);
  /** The version writers write: the binary plan. */
  static final int VERSION = 3;
  /** The previous version, whose plan is JSON: still read, so bundles of the previous release load. */
  static final int JSON_PLAN_VERSION = 2;
  /** Versions this reader can load: a reader refuses every other one. */
  static final String SUPPORTED = "2 and 3";

  static final int VERSION_AT = 8;
  static final int SIG_ALG_AT = 10;
  static final int RESERVED_AT = 11;
  static final int MANIFEST_LEN_AT = 12;
  static final int PLAN_LEN_AT = 16;
  static final int SIG_LEN_AT = 20;
  static final int DIGEST_AT = 24;
  static final int DIGEST_LEN = 32;
  static final int HEADER_LEN = DIGEST_AT + DIGEST_LEN;

  static final int SIG_NONE = 0;
  static final int SIG_ED25519 = 1;
  static final int ED25519_SIG_LEN = 64;

  /** {@code writ-engine <version>}, from a resource Maven fills in at build time. */
  static final String WRITER = "writ-engine " + engineVersion();

  private static String engineVersion() {
    try (InputStream in = BundleFormat.class.getResourceAsStream("engine.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version", "");
        if (!v.isBlank() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (IOException e) {
      // fall through: the version is informational
    }
    return "unknown";
  }

  static int u16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  static long u32(byte[] b, int at) {
    return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  static void putU16(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  static void putU32(byte[] b, int at, long v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
