package dev.writ.engine.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.writ.engine.value.EntityUid;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link EntityStore#uid}, the lookup of a uid from a reader's characters, gives either nothing
 * (the reader then parses the text) or the store's uid that {@link EntityUid#parse} of the same
 * text equals; and it gives the store's uid for every plain text of a uid the store holds with a
 * short Latin-1 id. Texts are built from pieces that {@code parse} treats specially (separators,
 * quotes, escapes, empty parts, type names that are not type names) and from the stored uids'
 * own texts, so that most probes hit.
 */
class EntityStoreUidProperties {
  private static final List<String> TYPES = List.of("User", "Doc", "Group", "Bad-Type", "9Lives", "Unknown");
  private static final List<String> PIECES = List.of("a", "b", "u1", "-", "0123456789", "\u00e9", "\u00ff", "\u0100",
      "\u03a9", "\ud800", "\"", "\\", " ", ":", "::", "x", "\\n", "");

  private static Gen<String> text(Gen<String> types) {
    return types.zip(lists().of(Generate.pick(PIECES)).ofSizeBetween(0, 6), (t, l) -> t + "::" + String.join("", l));
  }

  private static Gen<String> anyText() {
    Gen<String> typed = text(Generate.pick(TYPES));
    Gen<String> raw = lists().of(Generate.pick(PIECES)).ofSizeBetween(0, 6).map(l -> String.join("", l));
    return integers().between(0, 3).zip(typed, raw, (k, a, b) -> k == 0 ? b : k == 1 ? "\"" + a + "\"" : a);
  }

  private static EntityUid parsed(String text) {
    try {
      return EntityUid.parse(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether the store must find the text: a parsed uid it holds, its id not quoted, at most 16 Latin-1 characters. */
  private static boolean plain(String text, EntityUid uid) {
    String id = text.substring(text.indexOf("::") + 2);
    return !id.startsWith("\"") && id.length() <= 16 && id.chars().allMatch(c -> c <= 0xFF);
  }

  private static Entity entity(EntityUid uid) {
    return new Entity(uid, dev.writ.language.vocab.EntityKind.RESOURCE, Map.of(), Set.of());
  }

  @Test
  void aLookupFromCharactersIsWhatParsingFinds() {
    qt().withExamples(400).forAll(lists().of(anyText()).ofSizeBetween(0, 60), lists().of(anyText())
        .ofSizeBetween(0, 40)).checkAssert((stored, probes) -> {
          List<Entity> entities = new ArrayList<>();
          for (String s : stored) {
            EntityUid u = parsed(s);
            if (u != null) {
              entities.add(entity(u));
            } else if (s.contains("::") && s.indexOf("::") > 0) {
              // A uid whose type parse refuses (Bad-Type): the store may hold it, the lookup must not give it.
              entities.add(entity(new EntityUid(s.substring(0, s.indexOf("::")), "x" + s.length())));
            }
          }
          MapEntityStore store = MapEntityStore.of(entities);
          List<String> texts = new ArrayList<>(probes);
          for (Entity e : store.entities()) {
            texts.add(e.uid().toString());
            texts.add(e.uid().type() + "::" + e.uid().id());
          }
          for (String text : texts) {
            char[] buf = ("[" + text + "]").toCharArray(); // at an offset, as in a parser's buffer
            EntityUid found = store.uid(buf, 1, text.length());
            EntityUid expected = parsed(text);
            if (found != null) {
              assertEquals(expected, found, text);
              assertSame(store.resolve(expected).uid(), found, text);
            } else if (expected != null && store.contains(expected) && plain(text, expected)) {
              throw new AssertionError("the store holds " + text + " but the lookup missed it");
            }
          }
        });
  }

  @Test
  void wideCharactersDoNotAliasLatin1Ids() {
    // Packed a byte a character, U+0100 then `a` would read as NUL then `b`.
    MapEntityStore store = MapEntityStore.of(List.of(entity(new EntityUid("User", "\u0000b"))));
    char[] text = "User::\u0100a".toCharArray();
    assertNull(store.uid(text, 0, text.length));
    char[] same = "User::\u0000b".toCharArray();
    assertNotNull(store.uid(same, 0, same.length));
  }

  @Test
  void storesWithoutTheLookupGiveNothing() {
    char[] text = "User::alice".toCharArray();
    assertNull(EntityStore.empty().uid(text, 0, text.length));
    EntityUid alice = new EntityUid("User", "alice");
    MapEntityStore store = MapEntityStore.of(List.of(entity(alice)));
    assertSame(store.resolve(alice).uid(), store.uid(text, 0, text.length));
    assertNotNull(store.uid(text, 0, text.length));
    assertNull(store.uid(text, 0, text.length - 1));
  }
}
