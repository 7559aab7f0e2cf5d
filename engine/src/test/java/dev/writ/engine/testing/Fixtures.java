package dev.writ.engine.testing;

import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.entity.MapEntityStore;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.RequestReader;
import dev.writ.language.Frontend;
import dev.writ.language.check.CheckedBundle;
import dev.writ.language.diag.Diagnostic;
import dev.writ.language.source.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Bundles, entity stores and requests from text, as the fixture suites write them. */
public final class Fixtures {
  private Fixtures() {}

  /** Checks one policy file; fails with the diagnostics (and the numbered source) when it does not pass. */
  public static CheckedBundle bundle(String policy) {
    return bundle(List.of(new SourceFile("test.policy", policy)));
  }

  public static CheckedBundle bundle(List<SourceFile> files) {
    Frontend.Result r = Frontend.checkSources(files);
    if (!r.ok()) {
      StringBuilder out = new StringBuilder("the bundle does not pass the checker:\n");
      r.diagnostics().errors().stream().map(Diagnostic::headline).forEach(h -> out.append("  ").append(h).append('\n'));
      for (SourceFile f : files) {
        out.append("---- ").append(f.path()).append('\n').append(numbered(f.text()));
      }
      throw new AssertionError(out.toString());
    }
    return r.bundle().get();
  }

  public static String numbered(String text) {
    String[] lines = text.split("\n", -1);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      out.add(String.format("%4d  %s", i + 1, lines[i]));
    }
    return out.stream().collect(Collectors.joining("\n")) + "\n";
  }

  /** Entities as a YAML list (docs/data.md, "Entities"), read against the bundle's schema. */
  public static EntityStore entities(CheckedBundle bundle, String yaml) {
    DataNode root = DataNode.root(DataDocument.parse("entities.yaml", yaml, true));
    return MapEntityStore.of(new EntityReader(bundle.schema()).readList(root));
  }

  /** A request in YAML (docs/data.md, "Access requests"). */
  public static AccessRequest request(CheckedBundle bundle, String yaml) {
    DataNode root = DataNode.root(DataDocument.parse("request.yaml", yaml, true));
    return new RequestReader(bundle.schema()).request(root);
  }
}
