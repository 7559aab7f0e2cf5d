package dev.writ.bench.jmh;

import dev.writ.engine.audit.Answer;
import dev.writ.engine.audit.AuditCodec;
import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.TrailFormat;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One trail record of a durable action check, as `writ serve` writes it (the event of the
 * replicas-it policies, about 470 bytes): {@code encoder} is the write path (the event streamed
 * straight to the line's bytes, hashed from them: {@link TrailFormat.Encoder}); {@code tree} is
 * the path it replaced and the read path still uses (the event as a Jackson tree, framed by
 * {@link TrailFormat#line}, then the line's UTF-8). Both give the same bytes
 * (TrailEncoderProperties).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TrailEncodeBench {
  private AuditEvent event;
  private TrailFormat.Encoder encoder;
  private String prev;
  private long seq;

  @Setup
  public void setup() {
    AuditEvent.Header h = new AuditEvent.Header(Instant.parse("2026-12-02T03:11:51.015882669Z"),
        "g-6gmuhpqzewtj6tpuaetq", null, "investigate_incident", Map.of("ticket", new Value.Str("INC-1")),
        EntityUid.parse("Employee::alice"), List.of(), List.of(), List.of("acme.prod.prod_db_incident_read"),
        "dir-27d2fcd5d593");
    event = new AuditEvent.ActionChecked(h, "db:select", EntityUid.parse("Database::metrics"), Answer.ALLOW, false,
        List.of());
    encoder = new TrailFormat.Encoder();
    prev = TrailFormat.GENESIS;
  }

  @Benchmark
  public int encoder() {
    encoder.clear();
    prev = encoder.append(++seq, prev, event, false);
    return encoder.size();
  }

  @Benchmark
  public int tree() {
    TrailFormat.Line line = TrailFormat.line(++seq, prev, AuditCodec.write(event), false);
    prev = line.hash();
    return (line.text() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }
}
