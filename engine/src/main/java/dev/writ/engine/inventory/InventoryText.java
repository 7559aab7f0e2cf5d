package dev.writ.engine.inventory;

import dev.writ.engine.value.EntityUid;
import dev.writ.language.diag.DiagnosticRenderer;
import dev.writ.language.vocab.EntityKind;
import java.util.List;

/** The inventory as {@code writ inventory} prints it. */
public final class InventoryText {
  private InventoryText() {}

  public static String render(Inventory inv) {
    StringBuilder out = new StringBuilder();
    long rules = inv.principals().stream().flatMap(p -> p.standing().stream()).map(Inventory.Standing::rule)
        .distinct().count();
    out.append("Standing privilege: ").append(inv.principals().size()).append(" of ")
        .append(DiagnosticRenderer.plural(inv.principalCount(), "principal"))
        .append(" can act without a just-in-time grant, through ").append(DiagnosticRenderer.plural(rules, "rule"))
        .append('\n');
    for (EntityKind kind : List.of(EntityKind.HUMAN, EntityKind.MACHINE, EntityKind.AGENT)) {
      out.append('\n').append(kind.keyword()).append('\n');
      boolean any = false;
      for (Inventory.Principal p : inv.principals()) {
        if (p.kind() != kind) {
          continue;
        }
        any = true;
        out.append("  ").append(p.uid()).append('\n');
        for (Inventory.Standing s : p.standing()) {
          out.append("    rule ").append(s.rule()).append(" (").append(s.at()).append(")\n");
          out.append("      standing: ").append(s.reason() == null ? "no reason given" : "\"" + s.reason() + "\"")
              .append('\n');
          for (String c : s.conditions()) {
            out.append("      ").append(c).append('\n');
          }
          for (Inventory.Access a : s.access()) {
            out.append("      ").append(String.join(", ", a.actions())).append(" on ").append(uids(a.resources()))
                .append('\n');
          }
        }
      }
      if (!any) {
        out.append("  (none)\n");
      }
    }
    out.append("\nAgents that can get a grant with no sponsor (").append(inv.unsponsored().size()).append("):\n");
    if (inv.unsponsored().isEmpty()) {
      out.append("  (none)\n");
    }
    for (Inventory.Unsponsored u : inv.unsponsored()) {
      out.append("  ").append(u.agent()).append("  rule ").append(u.rule()).append(" (").append(u.at()).append("): ")
          .append(String.join(", ", u.actions())).append('\n');
    }
    out.append("\nGrants with no approval on sensitive resources");
    if (!inv.sensitiveMarked()) {
      out.append(": not checked (no resource type declares `sensitive: Bool`)\n");
    } else {
      out.append(" (").append(inv.unapproved().size()).append("):\n");
      if (inv.unapproved().isEmpty()) {
        out.append("  (none)\n");
      }
      for (Inventory.Unapproved u : inv.unapproved()) {
        out.append("  ").append(u.resource()).append("  rule ").append(u.rule()).append(" (").append(u.at())
            .append("): ").append(String.join(", ", u.actions())).append('\n');
      }
    }
    return out.toString();
  }

  private static String uids(List<EntityUid> list) {
    StringBuilder s = new StringBuilder();
    for (EntityUid u : list) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(u);
    }
    return s.toString();
  }
}
