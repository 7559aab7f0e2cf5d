package dev.writ.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The arrows of docs/architecture.md, held by the build: later stages never import earlier
 * ones' internals, and what runs decisions (the run-time engine packages and the service) never
 * depends on the parser or the checker. It lives in the server's tests because the server's
 * class path holds the language, the engine and the server.
 */
class ArchitectureTest {
  /** The front end's internals: what only the compiler (and the tools) may see. */
  private static final String[] FRONT_END = {
      "dev.writ.language.parse..", "dev.writ.language.check..", "dev.writ.language.ast..",
      "dev.writ.language.format.."};

  /** What a service loading a bundle runs. */
  private static final String[] RUN_TIME = {
      "dev.writ.engine.value..", "dev.writ.engine.entity..", "dev.writ.engine.json..",
      "dev.writ.engine.request..", "dev.writ.engine.decision..", "dev.writ.engine.plan..",
      "dev.writ.engine.eval..", "dev.writ.engine.grant..", "dev.writ.engine.audit..",
      "dev.writ.engine.bundle.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
        .importPackages("dev.writ");
    // A rule over classes that were not imported holds trivially: make sure all three modules are here.
    for (String name : new String[] {"dev.writ.language.check.Checker", "dev.writ.engine.eval.ExprNode",
        "dev.writ.server.Router"}) {
      assertTrue(classes.contain(name), name + " was not imported");
    }
    assertFalse(classes.contain(ArchitectureTest.class), "test classes are not part of the architecture");
  }

  private static void check(ArchRule rule) {
    rule.check(classes);
  }

  @Test
  void runTimeNeverDependsOnTheFrontEnd() {
    check(noClasses().that().resideInAnyPackage(RUN_TIME)
        .should().dependOnClassesThat().resideInAnyPackage(FRONT_END)
        .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.writ.language.Frontend")
        .because("a bundle is loaded and evaluated without the parser or the checker"));
  }

  @Test
  void runTimeNeverDependsOnTheCompilerOrTheTools() {
    check(noClasses().that().resideInAnyPackage(RUN_TIME)
        .should().dependOnClassesThat().resideInAnyPackage(
            "dev.writ.engine.compile..", "dev.writ.engine.testing..", "dev.writ.engine.tooling..")
        .because("the compiler produces plan data; what runs it does not reach back"));
  }

  @Test
  void serverNeverDependsOnTheParserOrTheChecker() {
    check(noClasses().that().resideInAnyPackage("dev.writ.server..")
        .should().dependOnClassesThat().resideInAnyPackage(FRONT_END)
        .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.writ.language.Frontend")
        .because("an enforcement service compiles policies only through engine.compile"));
  }

  @Test
  void planDataAndEvaluationKeepTheirOrder() {
    check(noClasses().that().resideInAnyPackage("dev.writ.engine.plan..")
        .should().dependOnClassesThat().resideOutsideOfPackages("dev.writ.engine.plan..", "dev.writ.language.vocab..",
            "java..")
        .because("plan data is what bundles store: records and enums, built on the vocabulary alone"));
    check(noClasses().that().resideInAnyPackage("dev.writ.engine.eval..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.writ.engine.grant..", "dev.writ.engine.bundle.."));
  }

  @Test
  void theVocabularyDependsOnNothingOfWrit() {
    check(noClasses().that().resideInAPackage("dev.writ.language.vocab..")
        .should().dependOnClassesThat().resideOutsideOfPackages("dev.writ.language.vocab..", "java..")
        .because("the checker and the run-time plan both read it"));
  }

  @Test
  void frontEndStagesNeverReachBack() {
    check(noClasses().that().resideInAnyPackage("dev.writ.language.source..", "dev.writ.language.diag..")
        .should().dependOnClassesThat().resideInAnyPackage(FRONT_END));
    check(noClasses().that().resideInAPackage("dev.writ.language.ast..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "dev.writ.language.parse..", "dev.writ.language.check..", "dev.writ.language.format.."));
    check(noClasses().that().resideInAPackage("dev.writ.language.parse..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.writ.language.check..", "dev.writ.language.format.."));
    check(noClasses().that().resideInAnyPackage("dev.writ.language.check..", "dev.writ.language.format..")
        .should().dependOnClassesThat().resideInAPackage("dev.writ.language.parse.."));
  }

  @Test
  void modulesPointOneWay() {
    check(noClasses().that().resideInAPackage("dev.writ.language..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.writ.engine..", "dev.writ.server.."));
    check(noClasses().that().resideInAPackage("dev.writ.engine..")
        .should().dependOnClassesThat().resideInAPackage("dev.writ.server.."));
  }
}
