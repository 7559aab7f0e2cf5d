package dev.writ.engine.testing;

import dev.writ.engine.json.DataNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A fixture suite as read from its file (docs/suites.md). Requests and expectations stay as data
 * nodes until run, because they are read against the schema of the policies under test; the
 * nodes keep their file and line for error messages.
 */
public record FixtureSuite(Path file, String name, Optional<Instant> now, Path policies, DataNode entities,
                           List<Case> cases, List<Scenario> scenarios) {

  public record Case(String name, DataNode request, DataNode expect, DataNode node) {}

  public record Scenario(String name, List<Step> steps, DataNode audit, DataNode node) {}

  public enum StepKind {
    REQUEST("request"), APPROVE("approve"), DELEGATE("delegate"), ACT("act"), REVOKE("revoke"), OFFBOARD("offboard"),
    ADVANCE("advance"), NARROW("narrow"), END_TASK("end_task");

    private final String key;

    StepKind(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }
  }

  /** One step; {@code node} is the whole step mapping. */
  public record Step(StepKind kind, DataNode node) {
    public DataNode value() {
      return node.field(kind.key());
    }
  }
}
