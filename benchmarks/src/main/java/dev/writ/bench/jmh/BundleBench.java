package dev.writ.bench.jmh;

import dev.writ.bench.Workload;
import dev.writ.engine.bundle.BundleReader;
import dev.writ.engine.bundle.BundleWriter;
import dev.writ.engine.bundle.LoadedBundle;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.plan.PlanData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bundle write and load time for the REALISTIC plan (unsigned): {@code write} encodes the plan
 * data (what {@code writ bundle} does after compiling) and writes the file atomically;
 * {@code load} reads the file, checks format and content digest, decodes the plan data and
 * builds the executable plan (what {@code writ serve} does at start and on every reload). Compare
 * {@code load} with {@code CompileTime.plan}, the same plan built from a checked bundle in memory.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class BundleBench {
  @Param({"10", "100", "1000", "10000", "100000"})
  public int n;

  private PlanData data;
  private SortedMap<String, String> digests;
  private Path dir;
  private Path file;
  private BundleWriter writer;
  private final BundleReader reader = new BundleReader(Optional.empty());

  @Setup(Level.Trial)
  public void setup() throws IOException {
    Workload w = Workload.generate(Workload.Mix.REALISTIC, n);
    data = PlanCompiler.lower(w.checkWithoutLint());
    digests = BundleWriter.sourceDigests(w.sources, Path.of(""));
    writer = new BundleWriter("bench", Optional.empty()).createdAt(Workload.TIME);
    dir = Files.createTempDirectory("writ-bench-bundle");
    file = dir.resolve("bench.wbundle");
    BundleWriter.writeFile(writer.write(data, digests), file);
    System.out.println("\nbundle of " + n + " rules: " + Files.size(file) + " bytes");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  @Benchmark
  public Path write() {
    BundleWriter.writeFile(writer.write(data, digests), file);
    return file;
  }

  @Benchmark
  public LoadedBundle load() {
    return reader.read(file);
  }
}
