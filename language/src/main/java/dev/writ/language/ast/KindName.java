package dev.writ.language.ast;
import dev.writ.language.vocab.EntityKind;

/** A principal kind as written in a selector or a {@code delegate} clause. */
public enum KindName {
  HUMAN("human", EntityKind.HUMAN),
  MACHINE("machine", EntityKind.MACHINE),
  AGENT("agent", EntityKind.AGENT),
  ANY("any", null);

  private final String keyword;
  private final EntityKind kind;

  KindName(String keyword, EntityKind kind) {
    this.keyword = keyword;
    this.kind = kind;
  }

  public String keyword() {
    return keyword;
  }

  /** The entity kind, or null for {@code any}. */
  public EntityKind entityKind() {
    return kind;
  }

  public boolean matches(EntityKind k) {
    return this == ANY || kind == k;
  }
}
