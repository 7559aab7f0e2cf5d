package dev.writ.language.vocab;

import java.util.Collection;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Static types of the checker. An entity type is the set of entity type names a value may have
 * (a selector with several alternatives admits several). {@code DYNAMIC} is what anything read
 * from {@code context}, and everything in dynamic mode, has: checked at run time instead.
 * A record type has {@code fields} (declared ones, or a literal's); {@link #RECORD}, with none,
 * is a record whose fields are not known before run time ({@code context}).
 */
public record Type(Tag tag, Type element, SortedSet<String> entityTypes, SortedMap<String, Schema.AttributeDef> fields) {
  public enum Tag { BOOL, INT, STRING, DURATION, TIME, SET, ENTITY, RECORD, INTENT, DELEGATION, REQUEST, DYNAMIC, DECIMAL,
    IPADDR }

  public static final Type BOOL = new Type(Tag.BOOL, null, null);
  public static final Type INT = new Type(Tag.INT, null, null);
  public static final Type STRING = new Type(Tag.STRING, null, null);
  public static final Type DURATION = new Type(Tag.DURATION, null, null);
  public static final Type TIME = new Type(Tag.TIME, null, null);
  public static final Type RECORD = new Type(Tag.RECORD, null, null);
  public static final Type INTENT = new Type(Tag.INTENT, null, null);
  public static final Type DELEGATION = new Type(Tag.DELEGATION, null, null);
  public static final Type REQUEST = new Type(Tag.REQUEST, null, null);
  public static final Type DYNAMIC = new Type(Tag.DYNAMIC, null, null);
  /** Cedar's decimal: four digits after the point. */
  public static final Type DECIMAL = new Type(Tag.DECIMAL, null, null);
  /** Cedar's ipaddr: an IPv4 or IPv6 address with a prefix length. */
  public static final Type IPADDR = new Type(Tag.IPADDR, null, null);
  /** An entity of any type (dynamic mode, or an entity the schema cannot narrow down). */
  public static final Type ANY_ENTITY = new Type(Tag.ENTITY, null, null);

  public Type {
    Objects.requireNonNull(tag);
    if (entityTypes != null) {
      entityTypes = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(entityTypes));
    }
    if (fields != null) {
      fields = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(fields));
    }
  }

  public Type(Tag tag, Type element, SortedSet<String> entityTypes) {
    this(tag, element, entityTypes, null);
  }

  /** A record with these fields. */
  public static Type record(java.util.Map<String, Schema.AttributeDef> fields) {
    return new Type(Tag.RECORD, null, null, new TreeMap<>(fields));
  }

  public static Type setOf(Type element) {
    return new Type(Tag.SET, element, null);
  }

  public static Type entity(Collection<String> types) {
    return new Type(Tag.ENTITY, null, new TreeSet<>(types));
  }

  public static Type entity(String type) {
    return entity(java.util.List.of(type));
  }

  public boolean isDynamic() {
    return tag == Tag.DYNAMIC;
  }

  public boolean is(Tag t) {
    return tag == t || tag == Tag.DYNAMIC;
  }

  /** Whether two values of these types could ever be equal (entities of any types could). */
  public boolean comparableWith(Type other) {
    if (isDynamic() || other.isDynamic()) {
      return true;
    }
    if (tag != other.tag) {
      return false;
    }
    if (tag == Tag.SET) {
      return element.comparableWith(other.element);
    }
    return true;
  }

  /** The language's spelling: {@code String}, {@code Set<Int>}, {@code Employee}, ... */
  @Override
  public String toString() {
    return switch (tag) {
      case BOOL -> "Bool";
      case INT -> "Int";
      case STRING -> "String";
      case DURATION -> "Duration";
      case TIME -> "Time";
      case SET -> "Set<" + element + ">";
      case ENTITY -> entityTypes == null || entityTypes.isEmpty() ? "entity" : String.join(" | ", entityTypes);
      case RECORD -> fields == null ? "record" : "{" + String.join(", ", fields.entrySet().stream()
          .map(f -> f.getKey() + (f.getValue().optional() ? "?" : "") + ": " + f.getValue().type()).toList()) + "}";
      case INTENT -> "intent";
      case DELEGATION -> "delegation";
      case REQUEST -> "request";
      case DYNAMIC -> "dynamic";
      case DECIMAL -> "Decimal";
      case IPADDR -> "IpAddr";
    };
  }

  /** Parses what {@link #toString} writes for attribute types (no unions). */
  public static Type parse(String text) {
    return switch (text) {
      case "Bool" -> BOOL;
      case "Int" -> INT;
      case "String" -> STRING;
      case "Duration" -> DURATION;
      case "Time" -> TIME;
      case "entity" -> ANY_ENTITY;
      case "dynamic" -> DYNAMIC;
      default -> {
        if (text.startsWith("Set<") && text.endsWith(">")) {
          yield setOf(parse(text.substring(4, text.length() - 1)));
        }
        yield entity(text);
      }
    };
  }
}
