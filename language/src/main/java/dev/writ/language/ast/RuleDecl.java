package dev.writ.language.ast;

import dev.writ.language.source.Span;
import java.util.List;
import java.util.Optional;

/** A {@code grant} or {@code forbid} rule. Clauses are kept in source order. */
public record RuleDecl(Effect effect, Name name, List<Clause> clauses, Span span) implements Declaration {
  public RuleDecl {
    clauses = List.copyOf(clauses);
  }

  public enum Effect {
    GRANT("grant"), FORBID("forbid");

    private final String keyword;

    Effect(String keyword) {
      this.keyword = keyword;
    }

    public String keyword() {
      return keyword;
    }
  }

  @Override
  public Kind kind() {
    return Kind.RULE;
  }

  public enum ClauseKind {
    PRINCIPAL("principal"), ACTION("action"), RESOURCE("resource"), INTENT("intent"), WHEN("when"),
    UNLESS("unless"), TTL("ttl"), APPROVAL("approval"), DELEGATE("delegate"), OBLIGATION("obligation"),
    DESCRIPTION("description"), OWNER("owner"), CONTROLS("controls"), REASON("reason"), STANDING("standing");

    private final String keyword;

    ClauseKind(String keyword) {
      this.keyword = keyword;
    }

    public String keyword() {
      return keyword;
    }

    /** Only these may appear more than once in a rule (docs/language.md §5). */
    public boolean mayRepeat() {
      return this == WHEN || this == UNLESS || this == APPROVAL || this == OBLIGATION;
    }

    public boolean grantOnly() {
      return this == TTL || this == APPROVAL || this == DELEGATE || this == STANDING;
    }
  }

  public sealed interface Clause
      permits PrincipalClause, ActionClause, ResourceClause, IntentClause, Condition, TtlClause, ApprovalClause,
      DelegateClause, ObligationClause, MetaClause {
    ClauseKind kind();

    Span span();
  }

  public record PrincipalClause(Selector selector, Span span) implements Clause {
    @Override
    public ClauseKind kind() {
      return ClauseKind.PRINCIPAL;
    }
  }

  public record ActionClause(List<Str> actions, Span span) implements Clause {
    public ActionClause {
      actions = List.copyOf(actions);
    }

    @Override
    public ClauseKind kind() {
      return ClauseKind.ACTION;
    }
  }

  /** {@code resource SEL [when EXPR]}; the {@code when} is evaluated in source order with the others. */
  public record ResourceClause(Selector selector, Optional<Expr> when, Span span) implements Clause {
    @Override
    public ClauseKind kind() {
      return ClauseKind.RESOURCE;
    }
  }

  public record IntentClause(List<Name> intents, Span span) implements Clause {
    public IntentClause {
      intents = List.copyOf(intents);
    }

    @Override
    public ClauseKind kind() {
      return ClauseKind.INTENT;
    }
  }

  /** {@code when EXPR} or {@code unless EXPR}. */
  public record Condition(boolean unless, Expr expr, Span span) implements Clause {
    @Override
    public ClauseKind kind() {
      return unless ? ClauseKind.UNLESS : ClauseKind.WHEN;
    }
  }

  public record TtlClause(long seconds, Span span) implements Clause {
    @Override
    public ClauseKind kind() {
      return ClauseKind.TTL;
    }
  }

  /** {@code approval [N of] ENTITY [where EXPR]}. */
  public record ApprovalClause(long count, EntityLiteral from, Optional<Expr> where, Span span) implements Clause {
    @Override
    public ClauseKind kind() {
      return ClauseKind.APPROVAL;
    }
  }

  public record DelegateClause(List<KindName> kinds, long depth, Span span) implements Clause {
    public DelegateClause {
      kinds = List.copyOf(kinds);
    }

    @Override
    public ClauseKind kind() {
      return ClauseKind.DELEGATE;
    }
  }

  public record ObligationClause(Name name, Optional<Str> value, Span span) implements Clause {
    @Override
    public ClauseKind kind() {
      return ClauseKind.OBLIGATION;
    }
  }

  /**
   * {@code description}, {@code owner}, {@code controls} (several strings), {@code reason}, or
   * {@code standing} (why a grant without {@code ttl} is meant to stand).
   */
  public record MetaClause(ClauseKind kind, List<Str> values, Span span) implements Clause {
    public MetaClause {
      values = List.copyOf(values);
    }
  }

  // ---- convenience views (first occurrence; the checker reports duplicates) ----

  public <T extends Clause> List<T> clauses(Class<T> type) {
    return clauses.stream().filter(type::isInstance).map(type::cast).toList();
  }

  public <T extends Clause> Optional<T> clause(Class<T> type) {
    return clauses.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  public Optional<String> meta(ClauseKind kind) {
    return clauses.stream()
        .filter(c -> c instanceof MetaClause m && m.kind() == kind)
        .map(c -> String.join(", ", ((MetaClause) c).values().stream().map(Str::value).toList()))
        .findFirst();
  }

  public List<String> controls() {
    return clauses.stream()
        .filter(c -> c instanceof MetaClause m && m.kind() == ClauseKind.CONTROLS)
        .flatMap(c -> ((MetaClause) c).values().stream().map(Str::value))
        .toList();
  }
}
