package dev.writ.engine.impact;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.FileAuditTrail;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.grant.Grant;
import dev.writ.engine.grant.GrantTable;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.RequestReader;
import dev.writ.engine.testing.FixtureRunner;
import dev.writ.engine.testing.FixtureSuite;
import dev.writ.engine.testing.SuiteReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The requests to replay, from an audit trail, a JSON-lines request file or fixture suites.
 * Each is read once for each side (entity overlays are read against each side's schema) and
 * decided at its own time: its recorded time, its {@code time} field, or the suite's {@code now}.
 */
public final class Replays {
  private Replays() {}

  /**
   * The requests of a trail and the grants active at its end.
   *
   * @param end the time of the last record: "active" means active then
   */
  public record FromTrail(List<Replay> replays, List<Grant> active, Map<String, List<Grant>> descendants,
                          Optional<Instant> end) {}

  /**
   * Every recorded request, as it was made: a direct request with its time, intent, context,
   * duration and approvals; a delegated request with its chain and the delegator's remaining
   * time then; and a pending request decided again when a counted approval arrived, with the
   * approvals it had by then, at the time of the approval. A delegation the runtime refused
   * without asking the policies (its parent was no longer active, or did not hold an action)
   * is not a policy question and is left out.
   *
   * @throws dev.writ.engine.audit.AuditException when the trail cannot be read or is damaged
   */
  public static FromTrail trail(Path file, EntityStore oldEntities, EntityStore newEntities) {
    List<AuditRecord> records = FileAuditTrail.read(file);
    GrantTable table = new GrantTable();
    List<Replay> out = new ArrayList<>();
    Instant end = null;
    for (AuditRecord rec : records) {
      AuditEvent e = rec.event();
      AuditEvent.Header h = e.header();
      end = h.time();
      if (e instanceof AuditEvent.Requested rq) {
        Replay r = requested(rec.seq(), rq, table, oldEntities, newEntities);
        if (r != null) {
          out.add(r);
        }
      }
      table.apply(e);
      if (e instanceof AuditEvent.Approved a && a.counted()) {
        Optional<Grant> g = table.get(h.grant());
        if (g.isPresent() && g.get().isPending()) {
          out.add(new Replay("trail seq " + rec.seq() + " (" + h.grant() + ", approved by " + a.by() + ")",
              g.get().asRequest(h.time()), DecideOptions.at(h.time()), g.get().parent() != null, h.grant(), oldEntities,
              newEntities));
        }
      }
    }
    List<Grant> active = new ArrayList<>();
    Map<String, List<Grant>> descendants = new LinkedHashMap<>();
    if (end != null) {
      for (Grant g : table.all()) {
        if (g.activeAt(end)) {
          active.add(g);
          descendants.put(g.id(), table.descendants(g.id()));
        }
      }
    }
    return new FromTrail(out, active, descendants, Optional.ofNullable(end));
  }

  private static Replay requested(long seq, AuditEvent.Requested rq, GrantTable table, EntityStore oldEntities,
                                  EntityStore newEntities) {
    AuditEvent.Header h = rq.header();
    Optional<AccessRequest.IntentRef> intent = h.intent() == null ? Optional.empty()
        : Optional.of(new AccessRequest.IntentRef(h.intent(), h.params()));
    AccessRequest request = new AccessRequest(h.principal(), rq.actions(), rq.resource(), intent,
        Optional.ofNullable(rq.durationSeconds()), h.chain(), rq.approvals(), rq.context(), Optional.of(h.time()),
        List.of());
    DecideOptions options = DecideOptions.at(h.time());
    if (h.parent() == null) {
      return new Replay("trail seq " + seq + " (" + h.grant() + ")", request, options, false, h.grant(), oldEntities,
          newEntities);
    }
    Optional<Grant> parent = table.get(h.parent());
    if (parent.isEmpty() || !parent.get().activeAt(h.time()) || !parent.get().actions().containsAll(rq.actions())) {
      return null;
    }
    Optional<Long> remaining = parent.get().remainingSeconds(h.time());
    if (remaining.isPresent()) {
      options = options.withDelegatorRemaining(remaining.get());
    }
    return new Replay("trail seq " + seq + " (" + h.grant() + ", delegated from " + h.parent() + ")", request, options,
        true, h.grant(), oldEntities, newEntities);
  }

  /**
   * Requests one JSON object per line (the format of {@code writ eval --requests}); blank lines
   * are skipped. A request without {@code time} is decided at {@code now}.
   *
   * @throws DataException naming the file and line of the first line that is not a valid request
   */
  public static List<Replay> requests(Path file, EvaluationPlan oldPlan, EvaluationPlan newPlan,
                                      EntityStore oldEntities, EntityStore newEntities, Instant now) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new DataException(file.toString(), "no such file");
    } catch (IOException e) {
      throw new DataException(file.toString(), "cannot read: " + e.getMessage());
    }
    RequestReader oldReader = new RequestReader(oldPlan.schema());
    RequestReader newReader = new RequestReader(newPlan.schema());
    List<Replay> out = new ArrayList<>();
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String where = file + ":" + (i + 1);
      DataNode node = DataNode.root(DataDocument.parse(where, lines[i], false));
      out.add(replay(where, oldReader.request(node), newReader.request(node), now, oldEntities, newEntities));
    }
    return out;
  }

  /**
   * The requests of the cases of every suite under {@code testDir} ({@code *_test.yaml}), each
   * with its suite's entities (read for each side) and decided at the suite's {@code now} (or
   * {@code now}). Scenarios are not replayed: their steps depend on the grants earlier steps made.
   *
   * @throws DataException when a suite or its entities cannot be read
   */
  public static List<Replay> suites(Path testDir, Path defaultPolicies, EvaluationPlan oldPlan,
                                    EvaluationPlan newPlan, Instant now) {
    List<Replay> out = new ArrayList<>();
    for (Path f : FixtureRunner.findSuites(testDir)) {
      FixtureSuite suite = SuiteReader.read(f, defaultPolicies);
      if (suite.cases().isEmpty()) {
        continue;
      }
      EntityStore oldEntities = entities(suite, oldPlan);
      EntityStore newEntities = entities(suite, newPlan);
      RequestReader oldReader = new RequestReader(oldPlan.schema());
      RequestReader newReader = new RequestReader(newPlan.schema());
      Instant t = suite.now().orElse(now);
      Path shown = testDir.relativize(f);
      for (FixtureSuite.Case c : suite.cases()) {
        out.add(replay(shown + ": " + c.name(), oldReader.request(c.request()), newReader.request(c.request()), t,
            oldEntities, newEntities));
      }
    }
    return out;
  }

  private static EntityStore entities(FixtureSuite suite, EvaluationPlan plan) {
    try {
      return FixtureRunner.entities(suite, plan.schema());
    } catch (dev.writ.engine.entity.EntityDataException e) {
      throw new DataException(suite.file() + ": entities", e.getMessage());
    }
  }

  /** A request read for each side: its entity overlays go into each side's store, the request itself is shared. */
  private static Replay replay(String where, AccessRequest oldRequest, AccessRequest newRequest, Instant now,
                               EntityStore oldEntities, EntityStore newEntities) {
    AccessRequest shared = new AccessRequest(newRequest.principal(), newRequest.actions(), newRequest.resource(),
        newRequest.intent(), newRequest.durationSeconds(), newRequest.delegation(), newRequest.approvals(),
        newRequest.context(), newRequest.time(), List.of());
    return new Replay(where, shared, DecideOptions.at(now), false, null, oldEntities.overlay(oldRequest.entities()),
        newEntities.overlay(newRequest.entities()));
  }
}
