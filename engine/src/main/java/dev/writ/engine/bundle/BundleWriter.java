package dev.writ.engine.bundle;

import dev.writ.engine.plan.PlanData;
import dev.writ.engine.plan.PlanRule;
import dev.writ.language.source.SourceFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes compiled bundles (docs/bundle-format.md). A writer is immutable: configure it with a
 * revision, optionally a signing key and a fixed creation time, then write any number of bundles.
 * With a fixed creation time the output is byte-for-byte reproducible: the plan and manifest are written in a
 * fixed order, gzip carries no timestamp, and Ed25519 signatures are deterministic.
 */
public final class BundleWriter {
  private final String revision;
  private final Optional<PrivateKey> signingKey;
  private final Instant created;

  /**
   * @param revision   the policy revision recorded in the manifest (the project version, a commit, ...)
   * @param signingKey an Ed25519 key to sign with, or empty for an unsigned bundle
   */
  public BundleWriter(String revision, Optional<PrivateKey> signingKey) {
    this(revision, signingKey, null);
  }

  private BundleWriter(String revision, Optional<PrivateKey> signingKey, Instant created) {
    if (revision == null || revision.isBlank()) {
      throw new IllegalArgumentException("a bundle needs a revision");
    }
    this.revision = revision;
    this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
    signingKey.ifPresent(k -> BundleKeys.requireEd25519(k, "the signing key"));
    this.created = created;
  }

  /** The same writer with a fixed creation time, for reproducible builds; by default, now. */
  public BundleWriter createdAt(Instant time) {
    return new BundleWriter(revision, signingKey, Objects.requireNonNull(time, "time"));
  }

  /**
   * Writes a plan compiled from source ({@code PlanCompiler.lower}).
   *
   * @param sources         the files the plan was compiled from ({@code Frontend.Result.sources()})
   * @param policyDirectory the directory they were read from: manifest paths are relative to it
   */
  public byte[] write(PlanData plan, List<SourceFile> sources, Path policyDirectory) {
    return write(plan, sourceDigests(sources, policyDirectory));
  }

  /**
   * Writes a plan.
   *
   * @param sourceDigests path relative to the policy directory to {@code sha256:} digest, as
   *                      {@link #sourceDigests} makes them
   */
  public byte[] write(PlanData plan, SortedMap<String, String> sourceDigests) {
    BinaryPlanCodec.Encoded encoded = BinaryPlanCodec.encode(plan);
    BundleManifest manifest = new BundleManifest(BundleFormat.VERSION, revision,
        created != null ? created : Instant.now().truncatedTo(ChronoUnit.SECONDS), BundleFormat.WRITER,
        sourceDigests, plan.rules().stream().map(PlanRule::name).toList(), PlanCodec.schemaDigest(plan.schema()),
        PlanCodec.digestString(encoded.digest()));
    byte[] manifestBytes = PlanCodec.json(manifest);
    byte[] planBytes = encoded.gzip();
    int sigLen = signingKey.isPresent() ? BundleFormat.ED25519_SIG_LEN : 0;
    long total = (long) BundleFormat.HEADER_LEN + manifestBytes.length + planBytes.length + sigLen;
    if (total > Integer.MAX_VALUE - 16) {
      throw new BundleException("the bundle would be " + total + " bytes, more than one file can hold");
    }

    byte[] out = new byte[(int) total];
    System.arraycopy(BundleFormat.MAGIC, 0, out, 0, BundleFormat.MAGIC.length);
    BundleFormat.putU16(out, BundleFormat.VERSION_AT, BundleFormat.VERSION);
    out[BundleFormat.SIG_ALG_AT] = (byte) (signingKey.isPresent() ? BundleFormat.SIG_ED25519 : BundleFormat.SIG_NONE);
    BundleFormat.putU32(out, BundleFormat.MANIFEST_LEN_AT, manifestBytes.length);
    BundleFormat.putU32(out, BundleFormat.PLAN_LEN_AT, planBytes.length);
    BundleFormat.putU32(out, BundleFormat.SIG_LEN_AT, sigLen);
    int at = BundleFormat.HEADER_LEN;
    System.arraycopy(manifestBytes, 0, out, at, manifestBytes.length);
    at += manifestBytes.length;
    System.arraycopy(planBytes, 0, out, at, planBytes.length);
    at += planBytes.length;

    byte[] digest = contentDigest(out, at);
    System.arraycopy(digest, 0, out, BundleFormat.DIGEST_AT, BundleFormat.DIGEST_LEN);
    if (signingKey.isPresent()) {
      byte[] sig = sign(signingKey.get(), digest);
      System.arraycopy(sig, 0, out, at, sig.length);
    }
    return out;
  }

  /** Writes the bytes to a file atomically where the file system can, so a watcher never sees half a bundle. */
  public static void writeFile(byte[] bundle, Path file) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      // Not Files.createTempFile: its owner-only permissions would stick to the bundle, which a
      // server running as another user must be able to read. CREATE_NEW honours the umask.
      tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
      Files.write(tmp, bundle, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw BundleException.of(file.toString(), "cannot be written: "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // best effort: a stray temporary file is harmless
        }
      }
    }
  }

  /**
   * The {@code sha256:} digest of every source's text as UTF-8, by path relative to the policy
   * directory with {@code /} separators. For a file without a byte-order mark that is the digest
   * of the file itself, so {@code sha256sum} agrees.
   */
  public static SortedMap<String, String> sourceDigests(List<SourceFile> sources, Path policyDirectory) {
    SortedMap<String, String> out = new TreeMap<>();
    Path dir = policyDirectory.normalize();
    for (SourceFile src : sources) {
      Path p = Path.of(src.path()).normalize();
      Path rel = p.startsWith(dir) && !p.equals(dir) ? dir.relativize(p) : p.getFileName();
      String key = rel.toString().replace(rel.getFileSystem().getSeparator(), "/");
      out.put(key, PlanCodec.digestString(PlanCodec.sha256().digest(src.text().getBytes(StandardCharsets.UTF_8))));
    }
    return out;
  }

  /** SHA-256 of the header up to the digest field, then of everything from the manifest to {@code end}. */
  static byte[] contentDigest(byte[] bundle, int end) {
    MessageDigest sha = PlanCodec.sha256();
    sha.update(bundle, 0, BundleFormat.DIGEST_AT);
    sha.update(bundle, BundleFormat.HEADER_LEN, end - BundleFormat.HEADER_LEN);
    return sha.digest();
  }

  private static byte[] sign(PrivateKey key, byte[] digest) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(digest);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new BundleException("the bundle cannot be signed with the given key: " + e.getMessage());
    }
  }
}
