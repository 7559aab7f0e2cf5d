package dev.writ.language.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.language.ast.PolicyFile;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.parse.PolicyParser;
import dev.writ.language.source.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckerStagesTest {
  private static final List<PolicyFile> FILES = List.of(PolicyParser.parse(new SourceFile("a.policy",
      "grant always { }\n")).file().orElseThrow());

  @Test
  void theStagesInOrder() {
    assertEquals(List.of("collect-declarations", "resolve-schema", "check-intents", "check-rules", "check-types",
        "lint"), Checker.standard().stageIds());
  }

  @Test
  void lintLeftOutDoesNotRun() {
    CheckResult all = Checker.check(FILES);
    assertTrue(all.diagnostics().items().stream().anyMatch(d -> d.code() == DiagnosticCode.LINT_STANDING_GRANT));
    Checker withoutLint = Checker.standard().without("lint");
    assertEquals(Checker.standard().stageIds().subList(0, 5), withoutLint.stageIds());
    CheckResult some = withoutLint.run(FILES);
    assertTrue(some.diagnostics().items().isEmpty(), some.diagnostics().items().toString());
    assertEquals(all.bundle().orElseThrow().rules().size(), some.bundle().orElseThrow().rules().size());
  }

  @Test
  void unknownStagesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Checker.standard().without("lnit"));
  }
}
