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
    return template(session == null ? null : session.getProjects(), project);
  }

  /** @param projects the projects of the build (the reactor), or null */
  static String template(List<MavenProject> projects, MavenProject project) {
    String module = projects == null || projects.size() < 2 || project == null ? "" : " -pl :" + project.getArtifactId();
    return "mvn policy:test" + module + " -Dpolicy.test=\"<name>\"";
  }

  /** The command for one case or suite file name. */
  static String forName(MavenSession session, MavenProject project, String name) {
    return forName(session == null ? null : session.getProjects(), project, name);
  }

  static String forName(List<MavenProject> projects, MavenProject project, String name) {
    return template(projects, project).replace("<name>", quotable(name));
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
