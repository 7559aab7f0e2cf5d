package dev.writ.engine.inventory;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The inventory for tools ({@code writ inventory --format json}). */
public final class InventoryJson {
  private InventoryJson() {}

  public static ObjectNode write(Inventory inv) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("principalCount", inv.principalCount());
    ArrayNode principals = o.putArray("principals");
    for (Inventory.Principal p : inv.principals()) {
      ObjectNode e = principals.addObject();
      e.put("kind", p.kind().keyword());
      e.put("principal", p.uid().toString());
      ArrayNode standing = e.putArray("standing");
      for (Inventory.Standing s : p.standing()) {
        ObjectNode x = standing.addObject();
        x.put("rule", s.rule());
        x.put("at", s.at());
        if (s.reason() == null) {
          x.putNull("reason");
        } else {
          x.put("reason", s.reason());
        }
        ArrayNode conditions = x.putArray("conditions");
        s.conditions().forEach(conditions::add);
        ArrayNode access = x.putArray("access");
        for (Inventory.Access a : s.access()) {
          ObjectNode y = access.addObject();
          ArrayNode actions = y.putArray("actions");
          a.actions().forEach(actions::add);
          ArrayNode resources = y.putArray("resources");
          a.resources().forEach(u -> resources.add(u.toString()));
        }
      }
    }
    ArrayNode unsponsored = o.putArray("unsponsoredAgents");
    for (Inventory.Unsponsored u : inv.unsponsored()) {
      ObjectNode e = unsponsored.addObject();
      e.put("agent", u.agent().toString());
      e.put("rule", u.rule());
      e.put("at", u.at());
      ArrayNode actions = e.putArray("actions");
      u.actions().forEach(actions::add);
    }
    ObjectNode sensitive = o.putObject("sensitive");
    sensitive.put("marked", inv.sensitiveMarked());
    ArrayNode unapproved = sensitive.putArray("unapproved");
    for (Inventory.Unapproved u : inv.unapproved()) {
      ObjectNode e = unapproved.addObject();
      e.put("resource", u.resource().toString());
      e.put("rule", u.rule());
      e.put("at", u.at());
      ArrayNode actions = e.putArray("actions");
      u.actions().forEach(actions::add);
    }
    return o;
  }
}
