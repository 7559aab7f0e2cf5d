package dev.writ.engine.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.testing.Fixtures;
import dev.writ.engine.value.EntityUid;
import dev.writ.language.check.CheckedBundle;
import dev.writ.language.vocab.EntityKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The standing-privilege inventory of a small bundle, and its text against a golden file. */
class InventoryBuilderTest {
  static final String POLICY = """
      human    Employee in [Team]
      machine  Job
      agent    Bot
      resource Doc { sensitive: Bool }
      resource Wiki
      group    Team

      action "doc:read", "doc:edit" on Doc
      action "wiki:read" on Wiki

      intent triage {
        param ticket: String
        allow "doc:read" on Doc
        max 1h
      }

      // Standing: no ttl, no intent, no approval.
      grant staff_read_wiki {
        principal Employee in Team::"staff", Job
        action "wiki:read"
        resource Wiki
      }

      grant editors_edit {
        principal Employee in Team::"editors"
        action "doc:read", "doc:edit"
        resource Doc
        when resource.sensitive == false
      }

      // Not standing: a ttl, an intent; and it admits bots directly.
      grant bots_triage {
        principal Employee, Bot
        action "doc:read"
        resource Doc
        intent triage
        ttl 30m
      }

      // Not standing: an approval (and so not listed for sensitive documents either).
      grant approved_edit {
        principal Employee
        action "doc:edit"
        resource Doc
        ttl 1h
        approval Team::"editors"
      }
      """;

  static final String ENTITIES = """
      - { uid: Team::staff }
      - { uid: Team::editors }
      - { uid: Employee::ann, parents: [Team::staff, Team::editors] }
      - { uid: Employee::ben, parents: [Team::staff] }
      - { uid: Employee::cy }
      - { uid: Job::nightly }
      - { uid: Bot::helper }
      - { uid: Doc::plan, attrs: { sensitive: true } }
      - { uid: Doc::notes, attrs: { sensitive: false } }
      - { uid: Wiki::home }
      """;

  static Inventory inventory() {
    CheckedBundle b = Fixtures.bundle(POLICY);
    EvaluationPlan plan = PlanCompiler.compile(b);
    EntityStore store = Fixtures.entities(b, ENTITIES);
    return InventoryBuilder.build(plan, store);
  }

  static EntityUid uid(String s) {
    return EntityUid.parse(s);
  }

  @Test
  void standingAccessByKindRuleAndResource() {
    Inventory inv = inventory();
    assertEquals(5, inv.principalCount());
    assertEquals(List.of(uid("Employee::ann"), uid("Employee::ben"), uid("Job::nightly")),
        inv.principals().stream().map(Inventory.Principal::uid).toList());
    assertEquals(EntityKind.MACHINE, inv.principals().get(2).kind());
    Inventory.Principal ann = inv.principals().get(0);
    assertEquals(List.of("staff_read_wiki", "editors_edit"), ann.standing().stream().map(Inventory.Standing::rule)
        .toList());
    Inventory.Standing edit = ann.standing().get(1);
    assertEquals(List.of(new Inventory.Access(List.of("doc:edit", "doc:read"), List.of(uid("Doc::notes"),
        uid("Doc::plan")))), edit.access());
    assertEquals(List.of("resource when resource.sensitive == false"), edit.conditions());
    assertEquals(null, edit.reason());
  }

  @Test
  void agentsWithoutSponsorAndUnapprovedSensitiveResources() {
    Inventory inv = inventory();
    assertEquals(List.of(new Inventory.Unsponsored(uid("Bot::helper"), "bots_triage", inv.unsponsored().get(0).at(),
        List.of("doc:read"))), inv.unsponsored());
    assertTrue(inv.sensitiveMarked());
    assertEquals(List.of("editors_edit Doc::plan [doc:edit, doc:read]", "bots_triage Doc::plan [doc:read]"),
        inv.unapproved().stream().map(u -> u.rule() + " " + u.resource() + " " + u.actions()).toList());
  }

  @Test
  void withoutASensitiveMarkNothingIsChecked() {
    CheckedBundle b = Fixtures.bundle(POLICY.replace("resource Doc { sensitive: Bool }", "resource Doc { secret: Bool }")
        .replace("resource.sensitive == false", "resource.secret == false"));
    Inventory inv = InventoryBuilder.build(PlanCompiler.compile(b), Fixtures.entities(b, ENTITIES.replace("sensitive",
        "secret")));
    assertFalse(inv.sensitiveMarked());
    assertTrue(inv.unapproved().isEmpty());
    assertTrue(InventoryText.render(inv).endsWith("Grants with no approval on sensitive resources: not checked (no "
        + "resource type declares `sensitive: Bool`)\n"));
  }

  @Test
  void textAgainstTheGoldenFile() throws IOException {
    Path file = Path.of("src/test/resources/inventory/expected.txt");
    String actual = InventoryText.render(inventory());
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual,
        "golden file " + file + " (run with -Dgolden.update=true after an intended change)");
  }

  @Test
  void json() {
    JsonNode j = InventoryJson.write(inventory());
    assertEquals(5, j.get("principalCount").asInt());
    assertEquals("human", j.get("principals").get(0).get("kind").asText());
    assertTrue(j.get("principals").get(0).get("standing").get(0).get("reason").isNull());
    assertEquals("Bot::helper", j.get("unsponsoredAgents").get(0).get("agent").asText());
    assertTrue(j.get("sensitive").get("marked").asBoolean());
  }
}
