package dev.writ.language.ast;
import dev.writ.language.vocab.EntityKind;

import dev.writ.language.source.Span;
import java.util.List;

/** A top-level declaration of a policy file. */
public sealed interface Declaration
    permits Declaration.EntityType, Declaration.Actions, Declaration.ActionGroup, IntentDecl, RuleDecl {

  enum Kind { ENTITY_TYPE, ACTIONS, ACTION_GROUP, INTENT, RULE }

  Kind kind();

  Span span();

  /**
   * {@code human Employee in [Team] { department: String } tags String}.
   *
   * @param tags the type of the entity's tags ({@code tags T}), empty when it declares none
   */
  record EntityType(EntityKind entityKind, Name name, List<Name> memberOf, List<AttributeDecl> attributes,
                    java.util.Optional<TypeExpr> tags, Span span)
      implements Declaration {
    public EntityType {
      memberOf = List.copyOf(memberOf);
      attributes = List.copyOf(attributes);
    }

    public EntityType(EntityKind entityKind, Name name, List<Name> memberOf, List<AttributeDecl> attributes, Span span) {
      this(entityKind, name, memberOf, attributes, java.util.Optional.empty(), span);
    }

    @Override
    public Kind kind() {
      return Kind.ENTITY_TYPE;
    }
  }

  record AttributeDecl(Name name, boolean optional, TypeExpr type, Span span) {}

  /** {@code action "db:select", "db:insert" on Database}; no {@code on} means any resource type. */
  record Actions(List<Str> actions, List<Name> resourceTypes, Span span) implements Declaration {
    public Actions {
      actions = List.copyOf(actions);
      resourceTypes = List.copyOf(resourceTypes);
    }

    @Override
    public Kind kind() {
      return Kind.ACTIONS;
    }
  }

  /** {@code action group "db:read" = ["db:select", "db:describe"]}. */
  record ActionGroup(Str name, List<Str> members, Span span) implements Declaration {
    public ActionGroup {
      members = List.copyOf(members);
    }

    @Override
    public Kind kind() {
      return Kind.ACTION_GROUP;
    }
  }
}
