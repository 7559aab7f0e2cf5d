package dev.writ.engine.impact;

import dev.writ.engine.request.AccessRequest;
import dev.writ.language.diag.DiagnosticRenderer;
import dev.writ.language.vocab.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The report as a reviewer reads it (what {@code writ impact} prints, and {@code impact.md} holds). */
public final class ImpactText {
  private ImpactText() {}

  public static String render(ImpactReport r) {
    StringBuilder out = new StringBuilder();
    int widened = r.byDirection().get(Direction.WIDENED);
    int narrowed = r.byDirection().get(Direction.NARROWED);
    int other = r.byDirection().get(Direction.OTHER);
    if (r.empty()) {
      out.append("No change: ").append(DiagnosticRenderer.plural(r.replayed(), "request"))
          .append(" replayed, every one decided the same by the old and the new policies.\n");
    } else {
      out.append(DiagnosticRenderer.plural(r.replayed(), "request")).append(" replayed: ")
          .append(r.changes().size()).append(" changed (").append(widened).append(" widened, ").append(narrowed)
          .append(" narrowed, ").append(other).append(" other)\n");
    }
    for (RequestChange c : r.changes()) {
      out.append('\n').append(label(c)).append("  ").append(c.where()).append('\n');
      out.append("  ").append(describe(c.request())).append('\n');
      for (Difference d : c.differences()) {
        out.append("  ").append(difference(d)).append('\n');
      }
      out.append("  rules: ").append(rules(c)).append('\n');
    }
    if (!r.byRule().isEmpty()) {
      int width = "rule".length();
      for (ImpactReport.RuleImpact x : r.byRule()) {
        width = Math.max(width, x.rule().length());
      }
      out.append("\nBy rule:\n");
      out.append(String.format(Locale.ROOT, "  %-" + width + "s  widened  narrowed  other%n", "rule"));
      for (ImpactReport.RuleImpact x : r.byRule()) {
        out.append(String.format(Locale.ROOT, "  %-" + width + "s  %7d  %8d  %5d%n", x.rule(), x.widened(),
            x.narrowed(), x.other()));
      }
    }
    if (!r.revoked().isEmpty()) {
      out.append("\nWould be revoked by this change (").append(DiagnosticRenderer.plural(r.revoked().size(), "grant"))
          .append(" active at the end of the trail):\n");
      for (ImpactReport.RevokedGrant g : r.revoked()) {
        out.append("  ").append(g.grant()).append("  ").append(g.principal()).append(' ')
            .append(String.join(", ", g.actions())).append(" on ").append(g.resource()).append("  (")
            .append(g.now().map(o -> "the new policies: " + o.json())
                .orElseGet(() -> "delegated from " + g.delegatedFrom().orElseThrow()))
            .append(")\n");
      }
    }
    if (!r.undecided().isEmpty()) {
      out.append("\nNot decided by either policy (").append(r.undecided().size()).append("):\n");
      for (ImpactReport.Undecided u : r.undecided()) {
        out.append("  ").append(u.where()).append(": ").append(u.problem()).append('\n');
      }
    }
    return out.toString().replace(System.lineSeparator(), "\n");
  }

  /**
   * The report as Markdown, for a CI job to post on the pull request: the summary, a table of
   * the changed requests and of the grants that would be revoked, and the full text report.
   */
  public static String markdown(ImpactReport r) {
    StringBuilder out = new StringBuilder("### Policy impact\n\n");
    String text = render(r);
    out.append("**").append(text.substring(0, text.indexOf('\n'))).append("**\n");
    if (!r.changes().isEmpty()) {
      out.append("\n| direction | request | what changed | rules |\n|---|---|---|---|\n");
      for (RequestChange c : r.changes()) {
        List<String> diffs = new ArrayList<>();
        c.differences().forEach(d -> diffs.add(difference(d)));
        out.append("| ").append(label(c).toLowerCase(Locale.ROOT)).append(" | `").append(cell(describe(c.request())))
            .append("`<br>").append(cell(c.where())).append(" | ").append(cell(String.join("; ", diffs))).append(" | ")
            .append(cell(rules(c))).append(" |\n");
      }
    }
    if (!r.revoked().isEmpty()) {
      out.append("\n**Would be revoked by this change:** ");
      List<String> ids = new ArrayList<>();
      r.revoked().forEach(g -> ids.add("`" + g.grant() + "` (" + g.principal() + ")"));
      out.append(cell(String.join(", ", ids))).append("\n");
    }
    out.append("\n<details><summary>Full report</summary>\n\n```\n").append(text).append("```\n\n</details>\n");
    return out.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  private static String label(RequestChange c) {
    List<String> parts = new ArrayList<>();
    c.directions().forEach(d -> parts.add(d.name()));
    return String.join("+", parts);
  }

  /** {@code Employee::alice doc:read on Doc::d1, intent incident(ticket: "T-1"), via Employee::bob}. */
  public static String describe(AccessRequest q) {
    StringBuilder s = new StringBuilder();
    s.append(q.principal()).append(' ').append(String.join(", ", q.actions())).append(" on ").append(q.resource());
    q.intent().ifPresent(i -> {
      s.append(", intent ").append(i.name());
      if (!i.params().isEmpty()) {
        List<String> ps = new ArrayList<>();
        i.params().forEach((k, v) -> ps.add(k + ": " + v));
        s.append('(').append(String.join(", ", ps)).append(')');
      }
    });
    q.durationSeconds().ifPresent(d -> s.append(", for ").append(Durations.format(d)));
    if (!q.delegation().isEmpty()) {
      List<String> chain = new ArrayList<>();
      q.delegation().forEach(u -> chain.add(u.toString()));
      s.append(", via ").append(String.join(" > ", chain));
    }
    if (!q.approvals().isEmpty()) {
      List<String> by = new ArrayList<>();
      q.approvals().forEach(a -> by.add(a.by().toString()));
      s.append(", approved by ").append(String.join(", ", by));
    }
    return s.toString();
  }

  private static String difference(Difference d) {
    return switch (d.aspect()) {
      case DECISION -> "decision: " + d.before() + " -> " + d.after();
      case ACTION -> "action " + d.subject() + ": " + d.before() + " -> " + d.after();
      case TTL -> "ttl: " + d.before() + " -> " + d.after();
      case APPROVALS -> "approval " + d.subject() + ": " + d.before() + " -> " + d.after();
      case OBLIGATIONS -> "obligation " + d.subject() + ": " + d.before() + " -> " + d.after();
    };
  }

  private static String rules(RequestChange c) {
    List<String> parts = new ArrayList<>();
    if (!c.rulesStopped().isEmpty()) {
      parts.add("stopped " + String.join(", ", c.rulesStopped()));
    }
    if (!c.rulesStarted().isEmpty()) {
      parts.add("started " + String.join(", ", c.rulesStarted()));
    }
    if (!c.rulesKept().isEmpty()) {
      parts.add((parts.isEmpty() ? "changed in place: " : "unchanged: ") + String.join(", ", c.rulesKept()));
    }
    return parts.isEmpty() ? "none on either side" : String.join("; ", parts);
  }
}
