package dev.writ.engine.value;

import java.util.Objects;

/**
 * An entity's identity: type and id. Written {@code Type::id} or {@code Type::"id"} in data
 * (quotes needed when the id holds {@code :} or spaces), {@code Type::"id"} in policies.
 */
public final class EntityUid implements Comparable<EntityUid> {
  private final String type;
  private final String id;
  private final int hash;
  private String text; // toString, computed once (racy but idempotent)

  public EntityUid(String type, String id) {
    // Type names are few and repeated in every uid: interned, equal types compare by identity.
    this.type = Objects.requireNonNull(type, "type").intern();
    this.id = Objects.requireNonNull(id, "id");
    this.hash = 31 * type.hashCode() + id.hashCode();
  }

  public String type() {
    return type;
  }

  public String id() {
    return id;
  }

  /**
   * Parses {@code Type::id} or {@code Type::"id"}.
   *
   * @throws IllegalArgumentException with a message fit for the user
   */
  public static EntityUid parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("expected an entity such as `Employee::alice`, got nothing");
    }
    int sep = text.indexOf("::");
    if (sep <= 0) {
      throw new IllegalArgumentException("`" + text + "` is not an entity; write `Type::id`, e.g. `Employee::alice`");
    }
    String type = text.substring(0, sep);
    if (!isTypeName(type)) {
      throw new IllegalArgumentException("`" + type + "` in `" + text + "` is not a type name");
    }
    String id = text.substring(sep + 2);
    if (id.length() >= 2 && id.startsWith("\"") && id.endsWith("\"")) {
      id = unquote(id.substring(1, id.length() - 1));
    } else if (id.isEmpty()) {
      throw new IllegalArgumentException("`" + text + "` has an empty id");
    }
    return new EntityUid(type, id);
  }

  /** Whether {@link #parse} takes {@code s} as the type of a uid. */
  public static boolean isTypeName(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
      if (!letter && (i == 0 || c < '0' || c > '9')) {
        return false;
      }
    }
    return !s.isEmpty();
  }

  private static String unquote(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        out.append(switch (n) {
          case 'n' -> '\n';
          case 't' -> '\t';
          default -> n;
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The data form: {@code Type::id}, quoted when the id needs it. */
  @Override
  public String toString() {
    String t = text;
    if (t == null) {
      boolean plain = !id.isEmpty();
      for (int i = 0; i < id.length() && plain; i++) {
        char c = id.charAt(i);
        plain = c != ':' && c != '"' && c != '\\' && !Character.isWhitespace(c);
      }
      t = plain ? type + "::" + id : type + "::" + quoted();
      text = t;
    }
    return t;
  }

  /** The policy form: {@code Type::"id"}. */
  public String toPolicyString() {
    return type + "::" + quoted();
  }

  private String quoted() {
    return "\"" + id.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof EntityUid u && hash == u.hash && type == u.type && id.equals(u.id));
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(EntityUid o) {
    int c = type.compareTo(o.type);
    return c != 0 ? c : id.compareTo(o.id);
  }
}
