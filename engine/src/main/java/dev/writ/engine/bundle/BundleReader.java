package dev.writ.engine.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.plan.PlanData;
import dev.writ.engine.plan.PlanRule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.ZipException;

/**
 * Loads compiled bundles (docs/bundle-format.md) without the parser or the checker. Checks, in
 * order: size, magic, format version, lengths, content digest, signature, then decodes the
 * manifest and the plan and builds the evaluation plan. Any failure is a {@link BundleException}
 * with a one-line message naming the file; nothing is kept from a bundle that fails. Immutable
 * and thread-safe.
 */
public final class BundleReader {
  /** Largest bundle read by default, and largest plan after decompression. */
  public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
  private static final long ARRAY_LIMIT = Integer.MAX_VALUE - 16;

  private final Optional<PublicKey> trust;
  private final long maxBytes;

  /**
   * @param trust the public key bundles must be signed with; empty to accept unsigned bundles
   *              (and signed ones, unverified)
   */
  public BundleReader(Optional<PublicKey> trust) {
    this(trust, DEFAULT_MAX_BYTES);
  }

  /** @param maxBytes the largest bundle file, and the largest plan once decompressed, to accept */
  public BundleReader(Optional<PublicKey> trust, long maxBytes) {
    this.trust = Objects.requireNonNull(trust, "trust");
    trust.ifPresent(k -> BundleKeys.requireEd25519(k, "the trusted public key"));
    if (maxBytes < BundleFormat.HEADER_LEN || maxBytes > ARRAY_LIMIT) {
      throw new IllegalArgumentException("maxBytes must be between " + BundleFormat.HEADER_LEN + " and " + ARRAY_LIMIT);
    }
    this.maxBytes = maxBytes;
  }

  public LoadedBundle read(Path file) {
    String name = file.toString();
    byte[] bytes;
    try {
      if (!Files.isRegularFile(file)) {
        throw BundleException.of(name, Files.exists(file) ? "is not a file" : "cannot be read: no such file");
      }
      long size = Files.size(file);
      if (size > maxBytes) {
        throw tooLarge(name, size);
      }
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes((int) maxBytes + 1); // the file may grow after the size check
      }
    } catch (NoSuchFileException e) {
      throw BundleException.of(name, "cannot be read: no such file");
    } catch (IOException e) {
      throw BundleException.of(name, "cannot be read: " + (e.getMessage() == null ? e.getClass().getSimpleName()
          : e.getMessage()));
    }
    return read(bytes, name);
  }

  /** @param name the file name or other origin of the bytes, for messages */
  public LoadedBundle read(byte[] bytes, String name) {
    if (bytes.length > maxBytes) {
      throw tooLarge(name, bytes.length);
    }
    checkMagic(bytes, name);
    int version = BundleFormat.u16(bytes, BundleFormat.VERSION_AT); // checkMagic made sure it is there
    if (version != BundleFormat.VERSION && version != BundleFormat.JSON_PLAN_VERSION) {
      throw BundleException.of(name, "has bundle format version " + version + ", which " + BundleFormat.WRITER
          + " cannot read (it reads versions " + BundleFormat.SUPPORTED + "); load it with the engine that wrote it,"
          + " or rebuild it with this one");
    }
    if (bytes.length < BundleFormat.HEADER_LEN) {
      throw BundleException.of(name, "is truncated: " + bytes.length + " bytes, shorter than the "
          + BundleFormat.HEADER_LEN + "-byte header");
    }
    long manifestLen = BundleFormat.u32(bytes, BundleFormat.MANIFEST_LEN_AT);
    long planLen = BundleFormat.u32(bytes, BundleFormat.PLAN_LEN_AT);
    long sigLen = BundleFormat.u32(bytes, BundleFormat.SIG_LEN_AT);
    long expected = BundleFormat.HEADER_LEN + manifestLen + planLen + sigLen;
    if (bytes.length < expected) {
      throw BundleException.of(name, "is truncated: its header announces " + expected + " bytes, but there are only "
          + bytes.length);
    }
    if (bytes.length > expected) {
      throw BundleException.of(name, "is corrupted: " + bytes.length + " bytes where its header announces "
          + expected);
    }
    int manifestAt = BundleFormat.HEADER_LEN;
    int planAt = (int) (manifestAt + manifestLen);
    int sigAt = (int) (planAt + planLen);
    byte[] digest = BundleWriter.contentDigest(bytes, sigAt);
    if (!MessageDigest.isEqual(digest, Arrays.copyOfRange(bytes, BundleFormat.DIGEST_AT, BundleFormat.HEADER_LEN))) {
      throw BundleException.of(name, "is corrupted: its content does not match its SHA-256 digest");
    }

    boolean signed = checkSignatureFields(bytes, sigLen, name);
    boolean verified = false;
    if (trust.isPresent()) {
      if (!signed) {
        throw BundleException.of(name, "is not signed, but a trusted public key is configured: only bundles signed"
            + " with its private key are accepted");
      }
      if (!verifies(trust.get(), digest, Arrays.copyOfRange(bytes, sigAt, sigAt + (int) sigLen))) {
        throw BundleException.of(name, "has a signature that does not verify against the trusted public key:"
            + " it was signed with another key, or altered after signing");
      }
      verified = true;
    }

    BundleManifest manifest;
    try {
      manifest = PlanCodec.decodeManifest(bytes, manifestAt, (int) manifestLen);
    } catch (IOException | RuntimeException e) {
      throw BundleException.of(name, "has a malformed manifest: " + describe(e));
    }
    if (manifest == null || manifest.format() != version) {
      throw BundleException.of(name, "has a malformed manifest: its format is not the header's version " + version);
    }

    PlanData plan;
    MessageDigest planDigest = PlanCodec.sha256();
    try {
      plan = version == BundleFormat.JSON_PLAN_VERSION
          ? PlanCodec.decodePlan(bytes, planAt, (int) planLen, maxBytes, planDigest)
          : BinaryPlanCodec.decodePlan(bytes, planAt, (int) planLen, maxBytes, planDigest);
    } catch (PlanCodec.TooLarge e) {
      throw BundleException.of(name, "is too large: its plan is over " + size(maxBytes) + " once decompressed");
    } catch (IOException e) {
      throw BundleException.of(name, "has a malformed plan: " + describe(e));
    } catch (RuntimeException | StackOverflowError e) {
      throw BundleException.of(name, "has a malformed plan: " + describe(e));
    }
    if (plan == null || !PlanCodec.digestString(planDigest.digest()).equals(manifest.planDigest())) {
      throw BundleException.of(name, "is corrupted: its plan does not match the plan digest of its manifest");
    }
    if (!manifest.rules().equals(plan.rules().stream().map(PlanRule::name).toList())) {
      throw BundleException.of(name, "is malformed: the rule names of its manifest are not those of its plan");
    }
    if (!PlanCodec.schemaDigest(plan.schema()).equals(manifest.schemaDigest())) {
      throw BundleException.of(name, "is malformed: its schema does not match the schema digest of its manifest");
    }

    EvaluationPlan evaluationPlan;
    try {
      evaluationPlan = EvaluationPlan.of(plan);
    } catch (RuntimeException | StackOverflowError e) {
      // Only a bundle not written by BundleWriter gets here: the digest matched, so the bytes are as written.
      throw BundleException.of(name, "has a plan this engine cannot build: " + describe(e));
    }
    return new LoadedBundle(manifest, plan, evaluationPlan, signed, verified);
  }

  private static void checkMagic(byte[] bytes, String name) {
    byte[] magic = BundleFormat.MAGIC;
    int n = Math.min(bytes.length, magic.length);
    if (!Arrays.equals(bytes, 0, n, magic, 0, n)) {
      throw BundleException.of(name, "is not a Writ bundle: it does not start with `WBUNDLE`");
    }
    if (bytes.length == 0) {
      throw BundleException.of(name, "is empty: not a Writ bundle");
    }
    if (bytes.length < BundleFormat.VERSION_AT + 2) {
      throw BundleException.of(name, "is truncated: " + bytes.length + " bytes, shorter than the "
          + BundleFormat.HEADER_LEN + "-byte header");
    }
  }

  /** Whether the bundle is signed; refuses inconsistent signature fields (only a foreign writer makes them). */
  private static boolean checkSignatureFields(byte[] bytes, long sigLen, String name) {
    int alg = bytes[BundleFormat.SIG_ALG_AT] & 0xff;
    if (bytes[BundleFormat.RESERVED_AT] != 0) {
      throw BundleException.of(name, "is malformed: reserved header byte " + BundleFormat.RESERVED_AT + " is not 0");
    }
    if (alg == BundleFormat.SIG_NONE && sigLen == 0) {
      return false;
    }
    if (alg == BundleFormat.SIG_ED25519 && sigLen == BundleFormat.ED25519_SIG_LEN) {
      return true;
    }
    if (alg != BundleFormat.SIG_NONE && alg != BundleFormat.SIG_ED25519) {
      throw BundleException.of(name, "is malformed: unknown signature algorithm " + alg);
    }
    throw BundleException.of(name, "is malformed: a " + sigLen + "-byte signature for signature algorithm " + alg);
  }

  private static boolean verifies(PublicKey key, byte[] digest, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(digest);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // a malformed signature does not verify either
    }
  }

  private BundleException tooLarge(String name, long size) {
    return BundleException.of(name, "is too large: " + size(size) + ", over the limit of " + size(maxBytes));
  }

  static String size(long bytes) {
    if (bytes < 1024 * 1024) {
      return bytes + " bytes";
    }
    return bytes + " bytes (" + String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024)) + ")";
  }

  /** A JSON path such as {@code rules[3].conditions[0].expr}. */
  private static String path(java.util.List<com.fasterxml.jackson.databind.JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (var ref : refs) {
      if (ref.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "the top" : sb.toString();
  }

  /** One line, without Jackson's location dumps or Java class names where a plain message exists. */
  static String describe(Throwable e) {
    String m;
    if (e instanceof JsonProcessingException j) {
      m = j.getOriginalMessage();
      if (m != null) {
        // Jackson's hints are for whoever configures the mapper, not for the reader of the message.
        m = m.replaceAll(" \\(set DeserializationConfig[^)]*\\)", "")
            .replaceAll("; `DeserializationFeature\\.[A-Z_]+` enabled", "")
            .replaceAll(" \\(index \\d+\\)", "");
      }
      if (e instanceof com.fasterxml.jackson.databind.JsonMappingException jm && !jm.getPath().isEmpty()) {
        m = "at " + path(jm.getPath()) + ": " + m;
      }
    } else if (e instanceof ZipException) {
      m = "the plan section is not valid gzip data";
    } else if (e instanceof StackOverflowError) {
      m = "it nests too deeply";
    } else {
      m = e.getMessage();
    }
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    m = m.replaceAll("\\s+", " ").strip();
    return m.length() > 200 ? m.substring(0, 197) + "..." : m;
  }
}
