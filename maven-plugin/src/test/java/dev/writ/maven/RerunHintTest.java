package dev.writ.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.writ.engine.testing.NameFilter;
import java.util.List;
import org.apache.maven.model.Model;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;

class RerunHintTest {
  private static MavenProject project(String artifactId) {
    Model model = new Model();
    model.setGroupId("com.example");
    model.setArtifactId(artifactId);
    model.setVersion("1.0");
    return new MavenProject(model);
  }

  @Test
  void oneModuleNeedsNoProjectList() {
    assertEquals("mvn policy:test -Dpolicy.test=\"SRE reads prod\"", RerunHint.forName(List.of(project("a")), project("a"), "SRE reads prod"));
  }

  @Test
  void aMultiModuleBuildNamesTheModule() {
    MavenProject b = project("b");
    assertEquals("mvn policy:test -pl :b -Dpolicy.test=\"x\"", RerunHint.forName(List.of(project("a"), b), b, "x"));
  }

  @Test
  void shellCharactersBecomeAGlobThatStillMatchesTheName() {
    String name = "quotes \"here\", $HOME, `cmd`, 100% and back\\slash!";
    String quotable = RerunHint.quotable(name);
    assertEquals("quotes ?here?, ?HOME, ?cmd?, 100? and back?slash?", quotable);
    assertEquals(true, new NameFilter(quotable).matches(name));
  }
}
