package dev.writ.engine.entity;

import dev.writ.engine.value.EntityUid;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * A store's entities by uid, laid out for the decision path's two probes (principal and
 * resource): open addressing over one {@code long[]} of keys, three longs a slot, in which a uid
 * whose id is at most 16 characters of Latin-1 (nearly all of them) is held whole: its hash, its
 * type's number in this table, its length and its characters. A probe compares those longs and
 * reads nothing else until it has found the entry; a {@code HashMap<EntityUid, ...>} probe reads
 * the table, the node, the stored uid, its id string and the string's bytes, each a cache miss
 * in a large store. Longer ids are compared in full after their hash, type and length match.
 * Immutable once built.
 */
final class ResolvedTable {
  private static final int WIDTH = 3; // longs per slot
  private static final int INLINE = 16; // characters held in a slot
  private static final long FULL = 0xFFFFL; // length field of an id that is not held whole
  private static final long OCCUPIED = 0x8000L; // length field of an id held whole: 0x8000 | length

  private final Map<String, Integer> types = new HashMap<>();
  private String[] typeNames = new String[4]; // by number, for lookups from characters
  private boolean[] typeNamesValid = new boolean[4]; // whether EntityUid.parse takes the name
  private final long[] keys;
  private final EntityStore.Resolved[] values;
  private final int mask;
  private final int shift; // 32 - log2(capacity): the top bits of the mixed hash pick the slot

  ResolvedTable(Collection<EntityStore.Resolved> entries) {
    int capacity = Integer.highestOneBit(Math.max(4, entries.size() * 2 - 1)) << 1;
    keys = new long[capacity * WIDTH];
    values = new EntityStore.Resolved[capacity];
    mask = capacity - 1;
    shift = 32 - Integer.numberOfTrailingZeros(capacity);
    long[] key = new long[WIDTH];
    for (EntityStore.Resolved r : entries) {
      EntityUid uid = r.uid();
      Integer type = types.get(uid.type());
      if (type == null) {
        type = types.size();
        types.put(uid.type(), type);
        if (type == typeNames.length) {
          typeNames = java.util.Arrays.copyOf(typeNames, type * 2);
          typeNamesValid = java.util.Arrays.copyOf(typeNamesValid, type * 2);
        }
        typeNames[type] = uid.type();
        typeNamesValid[type] = EntityUid.isTypeName(uid.type());
      }
      encode(uid, type, key);
      int i = slot(uid.hashCode());
      while (values[i] != null) {
        if (values[i].uid().equals(uid)) {
          throw new IllegalArgumentException("duplicate uid " + uid);
        }
        i = (i + 1) & mask;
      }
      System.arraycopy(key, 0, keys, i * WIDTH, WIDTH);
      values[i] = r;
    }
  }

  /** The entry of {@code uid}, or null. */
  EntityStore.Resolved get(EntityUid uid) {
    Integer type = types.get(uid.type());
    if (type == null) {
      return null;
    }
    String id = uid.id();
    long k0 = head(uid.hashCode(), type, id);
    long k1 = 0;
    long k2 = 0;
    boolean whole = (k0 & FULL) != FULL;
    if (whole) {
      int n = id.length();
      for (int c = 0; c < n; c++) {
        long ch = id.charAt(c);
        if (c < 8) {
          k1 |= ch << (8 * c);
        } else {
          k2 |= ch << (8 * (c - 8));
        }
      }
    }
    long[] ks = keys;
    for (int i = slot(uid.hashCode()); ; i = (i + 1) & mask) {
      int at = i * WIDTH;
      long a = ks[at];
      if (a == 0) {
        return null;
      }
      if (a == k0 && ks[at + 1] == k1 && ks[at + 2] == k2) {
        EntityStore.Resolved r = values[i];
        if (whole || r.uid().equals(uid)) {
          return r;
        }
      }
    }
  }

  /**
   * The stored uid written {@code Type::id} in {@code text[off, off + len)}, found without building
   * strings; null unless the id is held whole in its slot (at most 16 Latin-1 characters), is not
   * quoted and the table holds the uid. When not null it equals {@code EntityUid.parse} of the text.
   */
  EntityUid uid(char[] text, int off, int len) {
    int end = off + len;
    int sep = off;
    while (sep + 1 < end && !(text[sep] == ':' && text[sep + 1] == ':')) {
      sep++;
    }
    int from = sep + 2; // the id
    int n = end - from;
    if (sep == off || n <= 0 || n > INLINE || text[from] == '"') {
      return null; // no `::`, no type, an empty, long or quoted id: EntityUid.parse decides
    }
    int type = type(text, off, sep);
    if (type < 0) {
      return null;
    }
    int h = 0;
    long k1 = 0;
    long k2 = 0;
    for (int c = 0; c < n; c++) {
      char ch = text[from + c];
      if (ch > 0xFF) {
        return null;
      }
      h = 31 * h + ch;
      if (c < 8) {
        k1 |= (long) ch << (8 * c);
      } else {
        k2 |= (long) ch << (8 * (c - 8));
      }
    }
    int hash = 31 * typeNames[type].hashCode() + h; // as EntityUid's
    long k0 = ((hash & 0xFFFFFFFFL) << 32) | ((type & 0xFFFFL) << 16) | OCCUPIED | n;
    long[] ks = keys;
    for (int i = slot(hash); ; i = (i + 1) & mask) {
      int at = i * WIDTH;
      long a = ks[at];
      if (a == 0) {
        return null;
      }
      if (a == k0 && ks[at + 1] == k1 && ks[at + 2] == k2) {
        return values[i].uid();
      }
    }
  }

  /** The number of the type named {@code text[from, to)}, or -1 (also when it is not a type name). */
  private int type(char[] text, int from, int to) {
    int n = to - from;
    for (int t = 0; t < types.size(); t++) {
      String name = typeNames[t];
      if (name.length() == n) {
        int c = 0;
        while (c < n && name.charAt(c) == text[from + c]) {
          c++;
        }
        if (c == n) {
          return typeNamesValid[t] ? t : -1;
        }
      }
    }
    return -1;
  }

  private int slot(int hash) {
    return (hash * 0x9E3779B9) >>> shift;
  }

  /** Hash, type number and length field; never 0 (the length field of an entry is not). */
  private static long head(int hash, int type, String id) {
    boolean whole = id.length() <= INLINE;
    for (int c = 0; whole && c < id.length(); c++) {
      whole = id.charAt(c) <= 0xFF;
    }
    long length = whole ? OCCUPIED | id.length() : FULL;
    return ((hash & 0xFFFFFFFFL) << 32) | ((type & 0xFFFFL) << 16) | length;
  }

  private static void encode(EntityUid uid, int type, long[] key) {
    String id = uid.id();
    key[0] = head(uid.hashCode(), type, id);
    key[1] = 0;
    key[2] = 0;
    if ((key[0] & FULL) != FULL) {
      for (int c = 0; c < id.length(); c++) {
        long ch = id.charAt(c);
        key[c < 8 ? 1 : 2] |= ch << (8 * (c % 8));
      }
    }
  }
}
