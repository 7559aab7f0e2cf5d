package dev.writ.maven;

import java.util.List;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.project.MavenProject;

/**
 * The command that reruns one case: {@code mvn policy:test -Dpolicy.test="<case name>"}, the
 * policy counterpart of Surefire's {@code -Dtest=Class#method}. In a multi-module build it also
 * names the module ({@code -pl :artifactId}), because the other modules would otherwise fail for
 * want of a matching case (as {@code -Dtest} does with Surefire).
 */
final class RerunHint {
  private RerunHint() {}

  /** The command with {@code <name>} where the case name goes, as {@code ConsoleReport} wants it. */
  static String template(MavenSession session, MavenProject project) {
    return "mvn policy:test" + module(session, project) + " -Dpolicy.test=\"<name>\"";
  }

  /** The command for one case or suite file name. */
  static String forName(MavenSession session, MavenProject project, String name) {
    return template(session, project).replace("<name>", quotable(name));
  }

  private static String module(MavenSession session, MavenProject project) {
    List<MavenProject> projects = session == null ? null : session.getProjects();
    if (projects == null || projects.size() < 2 || project == null) {
      return "";
    }
    return " -pl :" + project.getArtifactId();
  }

  /**
   * A name as it can stand between double quotes in a POSIX shell or {@code cmd.exe}: the
   * characters those would interpret become {@code ?}, which the filter glob matches with any
   * character, so the name still selects the same case.
   */
  static String quotable(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (char c : name.toCharArray()) {
      out.append(c == '"' || c == '\\' || c == '$' || c == '`' || c == '%' || c == '!' || c < ' ' ? '?' : c);
    }
    return out.toString();
  }
}
