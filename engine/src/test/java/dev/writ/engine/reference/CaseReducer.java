package dev.writ.engine.reference;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.MapEntityStore;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.Value;
import dev.writ.language.Frontend;
import dev.writ.language.check.CheckedBundle;
import dev.writ.language.source.SourceFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Shrinks a failing case to a small one that still fails the same way: drops rules, files that
 * become empty, entities, attributes, and parts of the request, one at a time, keeping each
 * removal after which the failure persists. Generated cases are large; the reduced one is what
 * a report should show.
 */
final class CaseReducer {
  /** A case: policies, entities, request and options. */
  record Case(List<SourceFile> files, List<Entity> entities, AccessRequest request, DecideOptions options) {}

  /** A failure of a case, as a short description; empty when the case passes. */
  interface Check extends Function<Case, Optional<String>> {}

  private final Check check;
  private final String failure;

  private CaseReducer(Check check, String failure) {
    this.check = check;
    this.failure = failure;
  }

  /** The smallest case found that fails with the same description (at most a few hundred attempts). */
  static Case reduce(Case c, Check check) {
    Optional<String> f = check.apply(c);
    if (f.isEmpty()) {
      return c;
    }
    return new CaseReducer(check, kind(f.get())).run(c);
  }

  private static String kind(String failure) {
    int colon = failure.indexOf(':');
    return colon < 0 ? failure : failure.substring(0, colon); // the field that differs, not the values
  }

  private boolean stillFails(Case c) {
    try {
      return check.apply(c).map(f -> kind(f).equals(failure)).orElse(false);
    } catch (RuntimeException | AssertionError e) {
      return false;
    }
  }

  /**
   * Greedy passes over the one-step smaller variants: keep each that still fails and go on from
   * the same place in the (recomputed) list; stop after a pass without progress.
   */
  private Case run(Case c) {
    int budget = 800;
    boolean progress = true;
    while (progress && budget > 0) {
      progress = false;
      int i = 0;
      List<java.util.function.Supplier<Optional<Case>>> steps = smaller(c);
      while (i < steps.size() && budget-- > 0) {
        Optional<Case> variant = steps.get(i).get();
        if (variant.isPresent() && stillFails(variant.get())) {
          c = variant.get();
          progress = true;
          steps = smaller(c); // the same index now names the next candidate
        } else {
          i++;
        }
      }
    }
    return c;
  }

  /** One-step smaller variants of a case, made on demand. */
  private static List<java.util.function.Supplier<Optional<Case>>> smaller(Case c) {
    List<java.util.function.Supplier<Optional<Case>>> steps = new ArrayList<>();
    for (String decl : declarations(c.files())) {
      steps.add(() -> withoutText(c, decl));
    }
    AccessRequest r = c.request();
    for (int i = 0; i < r.approvals().size(); i++) {
      int k = i;
      steps.add(() -> Optional.of(with(c, drop(r.approvals(), k), null, null, null)));
    }
    for (int i = r.delegation().size() - 1; i >= 0; i--) {
      int k = i;
      steps.add(() -> Optional.of(with(c, null, drop(r.delegation(), k), null, null)));
    }
    for (String field : r.context().fields().keySet()) {
      steps.add(() -> {
        Map<String, Value> f = new LinkedHashMap<>(r.context().fields());
        f.remove(field);
        return Optional.of(with(c, null, null, new Value.RecordV(f), null));
      });
    }
    for (int i = r.actions().size() - 1; i >= 1; i--) {
      int k = i;
      steps.add(() -> Optional.of(with(c, null, null, null, drop(r.actions(), k))));
    }
    if (r.durationSeconds().isPresent()) {
      steps.add(() -> Optional.of(new Case(c.files(), c.entities(), r.withDuration(Optional.empty()), c.options())));
    }
    if (c.options().delegatorRemainingSeconds().isPresent()) {
      steps.add(() -> Optional.of(new Case(c.files(), c.entities(), r, DecideOptions.at(c.options().defaultTime()))));
    }
    if (r.actions().size() > 1) {
      steps.add(() -> Optional.of(with(c, null, null, null, drop(r.actions(), 0))));
    }
    for (Entity e : c.entities()) {
      steps.add(() -> Optional.of(new Case(c.files(), without(c.entities(), e), r, c.options())));
    }
    for (Entity e : c.entities()) {
      for (String attr : e.attributes().keySet()) {
        steps.add(() -> Optional.of(new Case(c.files(), replace(c.entities(), e, withoutAttr(e, attr)), r,
            c.options())));
      }
      if (!e.parents().isEmpty()) {
        steps.add(() -> Optional.of(new Case(c.files(), replace(c.entities(), e,
            new Entity(e.uid(), e.kind(), e.attributes(), java.util.Set.of(), e.tags())), r, c.options())));
      }
      for (String tag : e.tags().keySet()) {
        Map<String, Value> tags = new LinkedHashMap<>(e.tags());
        tags.remove(tag);
        steps.add(() -> Optional.of(new Case(c.files(), replace(c.entities(), e,
            new Entity(e.uid(), e.kind(), e.attributes(), e.parents(), tags)), r, c.options())));
      }
    }
    return steps;
  }

  private static List<String> declarations(List<SourceFile> files) {
    List<String> out = new ArrayList<>();
    for (SourceFile f : files) {
      for (String part : f.text().split("\n\n")) {
        String t = part.strip();
        if (t.startsWith("grant ") || t.startsWith("forbid ") || t.startsWith("intent ")
            || t.startsWith("action group ") || t.startsWith("action ")) {
          out.add(t);
        }
        String[] words = t.split("\\s+");
        if (words.length > 1 && List.of("human", "machine", "agent", "resource", "group").contains(words[0])) {
          out.add(t); // an entity type: removable only while no entity uses it (see withoutText)
        }
      }
    }
    return out;
  }

  private static Optional<Case> withoutText(Case c, String decl) {
    String[] words = decl.split("\\s+");
    if (List.of("human", "machine", "agent", "resource", "group").contains(words[0])) {
      String type = words[1];
      boolean used = c.entities().stream().anyMatch(e -> e.uid().type().equals(type)
          || e.parents().stream().anyMatch(p -> p.type().equals(type))
          || e.attributes().values().stream().anyMatch(v -> v.toString().startsWith(type + "::")))
          || c.request().toString().contains(type + "::");
      if (used) {
        return Optional.empty();
      }
    }
    List<SourceFile> files = new ArrayList<>();
    boolean found = false;
    for (SourceFile f : c.files()) {
      if (!found && f.text().contains(decl)) {
        found = true;
        String text = f.text().replace(decl, "").replaceAll("\n{3,}", "\n\n");
        if (!text.replaceAll("(?m)^package .*$", "").isBlank()) {
          files.add(new SourceFile(f.path(), text));
        }
      } else {
        files.add(f);
      }
    }
    if (!found || files.isEmpty() || !Frontend.checkSources(files).ok()) {
      return Optional.empty();
    }
    return Optional.of(new Case(files, c.entities(), c.request(), c.options()));
  }

  private static Case with(Case c, List<AccessRequest.Approval> approvals, List<dev.writ.engine.value.EntityUid> chain,
                           Value.RecordV context, List<String> actions) {
    AccessRequest r = c.request();
    return new Case(c.files(), c.entities(), new AccessRequest(r.principal(), actions != null ? actions : r.actions(),
        r.resource(), r.intent(), r.durationSeconds(), chain != null ? chain : r.delegation(),
        approvals != null ? approvals : r.approvals(), context != null ? context : r.context(), r.time(),
        r.entities()), c.options());
  }

  private static <T> List<T> drop(List<T> list, int i) {
    List<T> out = new ArrayList<>(list);
    out.remove(i);
    return out;
  }

  private static List<Entity> without(List<Entity> list, Entity e) {
    List<Entity> out = new ArrayList<>(list);
    out.removeIf(x -> x.uid().equals(e.uid()));
    return out;
  }

  private static List<Entity> replace(List<Entity> list, Entity e, Entity by) {
    List<Entity> out = new ArrayList<>();
    for (Entity x : list) {
      out.add(x.uid().equals(e.uid()) ? by : x);
    }
    return out;
  }

  private static Entity withoutAttr(Entity e, String attr) {
    Map<String, Value> attrs = new LinkedHashMap<>(e.attributes());
    attrs.remove(attr);
    return new Entity(e.uid(), e.kind(), attrs, e.parents(), e.tags());
  }

  /** The checked bundle of a case (it passed the checker when it was made). */
  static CheckedBundle bundle(Case c) {
    return Frontend.checkSources(c.files()).bundle().orElseThrow();
  }

  static MapEntityStore store(Case c) {
    return MapEntityStore.of(c.entities());
  }
}
