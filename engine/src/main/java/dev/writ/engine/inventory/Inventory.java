package dev.writ.engine.inventory;

import dev.writ.engine.value.EntityUid;
import dev.writ.language.vocab.EntityKind;
import java.util.List;

/**
 * Standing privilege: what each principal can do without a just-in-time grant, and the two
 * gaps next to it (agents that need no sponsor, unapproved access to sensitive resources).
 *
 * @param principalCount every principal (human, machine, agent) in the entity data
 * @param principals     the principals with standing access, by kind (human, machine, agent) then uid
 * @param unsponsored    agents that some grant admits directly, with no delegation chain
 * @param sensitiveMarked whether the schema marks resources sensitive (a {@code sensitive: Bool} attribute)
 * @param unapproved     grants that give access to a sensitive resource with no approval
 */
public record Inventory(int principalCount, List<Principal> principals, List<Unsponsored> unsponsored,
                        boolean sensitiveMarked, List<Unapproved> unapproved) {
  public Inventory {
    principals = List.copyOf(principals);
    unsponsored = List.copyOf(unsponsored);
    unapproved = List.copyOf(unapproved);
  }

  /** A principal and its standing access. */
  public record Principal(EntityKind kind, EntityUid uid, List<Standing> standing) {
    public Principal {
      standing = List.copyOf(standing);
    }
  }

  /**
   * A rule without {@code ttl}, intent or approval that admits the principal.
   *
   * @param reason     the rule's stated reason for standing access; null when it gives none
   * @param conditions the rule's {@code when}/{@code unless} clauses (listed, not evaluated: they may read the request)
   * @param access     the actions it gives, on which resources
   */
  public record Standing(String rule, String at, String reason, List<String> conditions, List<Access> access) {
    public Standing {
      conditions = List.copyOf(conditions);
      access = List.copyOf(access);
    }
  }

  /** Some actions on some resources (resources with the same actions together). */
  public record Access(List<String> actions, List<EntityUid> resources) {
    public Access {
      actions = List.copyOf(actions);
      resources = List.copyOf(resources);
    }
  }

  /** An agent that a grant admits at depth 0: it can get that grant with no human sponsor. */
  public record Unsponsored(EntityUid agent, String rule, String at, List<String> actions) {
    public Unsponsored {
      actions = List.copyOf(actions);
    }
  }

  /** A grant that gives actions on a sensitive resource without any approval. */
  public record Unapproved(String rule, String at, EntityUid resource, List<String> actions) {
    public Unapproved {
      actions = List.copyOf(actions);
    }
  }
}
