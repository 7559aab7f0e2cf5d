package dev.writ.language.vocab;

/** The kind of an entity type, set by the keyword of its declaration. */
public enum EntityKind {
  HUMAN("human"),
  MACHINE("machine"),
  AGENT("agent"),
  RESOURCE("resource"),
  GROUP("group");

  private final String keyword;

  EntityKind(String keyword) {
    this.keyword = keyword;
  }

  public String keyword() {
    return keyword;
  }

  public boolean isPrincipal() {
    return this == HUMAN || this == MACHINE || this == AGENT;
  }

  public static EntityKind fromKeyword(String keyword) {
    for (EntityKind k : values()) {
      if (k.keyword.equals(keyword)) {
        return k;
      }
    }
    return null;
  }
}
