package dev.writ.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the enforcement service runs. Immutable; {@link #defaults()} gives the documented defaults
 * and the {@code with...} methods change one setting each.
 *
 * @param host           the address to bind (loopback by default: exposing a decision point is a choice)
 * @param port           the port; 0 picks a free one (tests)
 * @param dataDir        grants, pending requests and the audit trail ({@code audit.jsonl})
 * @param entityFiles    entity data laid under every decision (re-read on reload)
 * @param maxBodyBytes   requests with a larger body get 413
 * @param maxBatch       most requests in one {@code POST /v1/decisions} batch
 * @param watch          whether to poll the bundle (and entity files) and swap in changes
 * @param watchInterval  how often to poll when watching
 * @param sweepInterval  how often expired grants are looked for and recorded
 * @param stopTimeout    how long a graceful stop waits for requests in flight
 * @param maxClockSkew   how far in the future of the service clock a client-given {@code time} may be
 *                       on a call that changes state (a grant issued in the future would outlive its ttl)
 * @param clock          the service clock (tests move it)
 */
public record ServerConfig(String host, int port, Path dataDir, List<Path> entityFiles, long maxBodyBytes,
                           int maxBatch, boolean watch, Duration watchInterval, Duration sweepInterval,
                           Duration stopTimeout, Duration maxClockSkew, Clock clock) {
  public static final int DEFAULT_PORT = 8181;
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    entityFiles = List.copyOf(entityFiles);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, got " + port);
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("the body limit must be at least 1 byte");
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("the batch limit must be at least 1");
    }
  }

  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", DEFAULT_PORT, Path.of("writ-data"), List.of(), DEFAULT_MAX_BODY_BYTES, 1000,
        false, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
        Clock.systemUTC());
  }

  public ServerConfig withHost(String h) {
    return new ServerConfig(h, port, dataDir, entityFiles, maxBodyBytes, maxBatch, watch, watchInterval,
        sweepInterval, stopTimeout, maxClockSkew, clock);
  }

  public ServerConfig withPort(int p) {
    return new ServerConfig(host, p, dataDir, entityFiles, maxBodyBytes, maxBatch, watch, watchInterval,
        sweepInterval, stopTimeout, maxClockSkew, clock);
  }

  public ServerConfig withDataDir(Path d) {
    return new ServerConfig(host, port, d, entityFiles, maxBodyBytes, maxBatch, watch, watchInterval, sweepInterval,
        stopTimeout, maxClockSkew, clock);
  }

  public ServerConfig withEntityFiles(List<Path> files) {
    return new ServerConfig(host, port, dataDir, files, maxBodyBytes, maxBatch, watch, watchInterval, sweepInterval,
        stopTimeout, maxClockSkew, clock);
  }

  public ServerConfig withMaxBodyBytes(long n) {
    return new ServerConfig(host, port, dataDir, entityFiles, n, maxBatch, watch, watchInterval, sweepInterval,
        stopTimeout, maxClockSkew, clock);
  }

  public ServerConfig withMaxBatch(int n) {
    return new ServerConfig(host, port, dataDir, entityFiles, maxBodyBytes, n, watch, watchInterval, sweepInterval,
        stopTimeout, maxClockSkew, clock);
  }

  public ServerConfig withWatch(boolean w, Duration interval) {
    return new ServerConfig(host, port, dataDir, entityFiles, maxBodyBytes, maxBatch, w, interval, sweepInterval,
        stopTimeout, maxClockSkew, clock);
  }

  public ServerConfig withSweepInterval(Duration d) {
    return new ServerConfig(host, port, dataDir, entityFiles, maxBodyBytes, maxBatch, watch, watchInterval, d,
        stopTimeout, maxClockSkew, clock);
  }

  public ServerConfig withStopTimeout(Duration d) {
    return new ServerConfig(host, port, dataDir, entityFiles, maxBodyBytes, maxBatch, watch, watchInterval,
        sweepInterval, d, maxClockSkew, clock);
  }

  public ServerConfig withMaxClockSkew(Duration d) {
    return new ServerConfig(host, port, dataDir, entityFiles, maxBodyBytes, maxBatch, watch, watchInterval,
        sweepInterval, stopTimeout, d, clock);
  }

  public ServerConfig withClock(Clock c) {
    return new ServerConfig(host, port, dataDir, entityFiles, maxBodyBytes, maxBatch, watch, watchInterval,
        sweepInterval, stopTimeout, maxClockSkew, c);
  }
}
