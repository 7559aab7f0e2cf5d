package dev.writ.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The observable state of some files: path, size, modification time and file identity (so that
 * a new file renamed over the old one counts as a change even within one timestamp tick).
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

  private static String entry(Path f) {
    try {
      BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
      return f + "|" + a.size() + "|" + a.lastModifiedTime().toMillis() + "|" + a.fileKey();
    } catch (IOException | RuntimeException e) {
      return f + "|missing";
    }
  }
}
