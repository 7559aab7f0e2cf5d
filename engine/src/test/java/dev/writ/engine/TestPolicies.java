package dev.writ.engine;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.language.Frontend;
import dev.writ.language.check.CheckedBundle;
import dev.writ.language.diag.DiagnosticRenderer;
import dev.writ.language.source.SourceFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Helpers for tests: bundles from source text, entities from YAML. */
public final class TestPolicies {
  private TestPolicies() {}

  public static CheckedBundle check(String... sources) {
    List<SourceFile> files = new ArrayList<>();
    for (int i = 0; i < sources.length; i++) {
      files.add(new SourceFile("test" + i + ".policy", sources[i]));
    }
    Frontend.Result r = Frontend.checkSources(files);
    if (!r.ok()) {
      throw new AssertionError("policies do not check:\n" + DiagnosticRenderer.render(r.diagnostics()));
    }
    return r.bundle().get();
  }

  public static EvaluationPlan plan(String... sources) {
    return PlanCompiler.compile(check(sources));
  }

  public static EntityStore entities(EvaluationPlan plan, String yaml) {
    DataNode n = DataNode.root(DataDocument.parse("entities.yaml", yaml, true));
    return EntityReader.store(new EntityReader(plan.schema()).readList(n), "entities.yaml");
  }

  public static String resource(String name) {
    try (InputStream in = TestPolicies.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new AssertionError("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
