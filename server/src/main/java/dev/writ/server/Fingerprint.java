package dev.writ.server;

import dev.writ.engine.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The observable state of some files: path, size, modification time, file identity (a new file
 * renamed over the old one) and a digest of the content (a same-size rewrite within one
 * timestamp tick of a coarse file system), so that no change goes unseen.
 */
public record Fingerprint(List<String> entries) {
  public Fingerprint {
    entries = List.copyOf(entries);
  }

  public static Fingerprint of(List<Path> files) {
    List<String> out = new ArrayList<>();
    for (Path f : files) {
      out.add(entry(f));
    }
    return new Fingerprint(out);
  }

  /** Every file under {@code dir} whose name ends in {@code suffix}, plus the directory itself. */
  public static Fingerprint ofTree(Path dir, String suffix) {
    List<Path> files = new ArrayList<>();
    files.add(dir);
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().forEach(files::add);
    } catch (IOException | RuntimeException e) {
      // unreadable now: the entry for the directory says so
    }
    return of(files);
  }

  public Fingerprint plus(Fingerprint other) {
    List<String> all = new ArrayList<>(entries);
    all.addAll(other.entries);
    return new Fingerprint(all);
  }

  /** Files larger than this are not digested (their size, time and identity still count). */
  private static final long DIGEST_LIMIT = 256L * 1024 * 1024;

  private static String entry(Path f) {
    try {
      BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
      String digest = a.isRegularFile() && a.size() <= DIGEST_LIMIT ? digest(f) : "-";
      return f + "|" + a.size() + "|" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + "|" + a.fileKey() + "|" + digest;
    } catch (IOException | RuntimeException e) {
      return f + "|missing";
    }
  }

  private static String digest(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      return Sha256.hex(in);
    }
  }
}
