package dev.writ.engine.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.testing.FixtureWriter;
import dev.writ.engine.testing.RequestGen;
import dev.writ.engine.testing.Scenario;
import dev.writ.language.vocab.Schema;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming fast path of {@code writ eval --requests} binds a line exactly as the full reader
 * does, or gives up so that the full reader binds it (or reports its problem).
 */
class StreamingRequestReaderProperties {
  private static final StreamingRequestReader FAST = new StreamingRequestReader();
  private static final RequestReader FULL = new RequestReader(Schema.EMPTY);

  private static AccessRequest full(String line) {
    return FULL.request(DataNode.root(DataDocument.parse("line", line, false)));
  }

  @Test
  void generatedRequestsReadTheSameOnBothPaths() {
    qt().withExamples(300).forAll(Scenario.pooled(40)).checkAssert(s -> {
      for (RequestGen.Generated g : s.requests()) {
        AccessRequest r = g.request();
        String line = FixtureWriter.request(r).toString();
        AccessRequest fast = FAST.tryRead(line);
        if (!r.entities().isEmpty()) {
          assertNull(fast, "per-request entities are left to the full reader: " + line);
          continue;
        }
        assertNotNull(fast, "the fast path gave up on an ordinary request: " + line);
        assertEquals(full(line), fast, line);
        assertEquals(fast, new StreamingRequestReader(s.store()).tryRead(line), "with the store's uids: " + line);
      }
    });
  }

  private static final List<String> UID_PIECES = List.of("User::", "Doc::", "Bad-Type::", "::", "u", "alice", "d1",
      "0123456789abcdefg", "\"", "\\", " ", "\u00e9", "\u0100", "\ud83d\ude00", "\ud800", "\n", "\t", "\u0000", "/");
  private static final List<String> STORED = List.of("User::alice", "User::u", "Doc::d1", "Doc::\"a b\"",
      "User::0123456789abcdefg", "User::\u00e9", "Doc::u::d1", "User::\u0100");

  /** The text as a JSON string token, each character plain or escaped as the choices say (every JSON escape). */
  private static String token(String text, long choices) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int how = (int) ((choices >>> (2 * (i % 32))) & 3);
      String shortForm = switch (c) {
        case '"' -> "\\\"";
        case '\\' -> "\\\\";
        case '\n' -> "\\n";
        case '\t' -> "\\t";
        case '\r' -> "\\r";
        case '\b' -> "\\b";
        case '\f' -> "\\f";
        case '/' -> "\\/";
        default -> null;
      };
      if (how == 0 && c >= 0x20 && c != '"' && c != '\\') {
        out.append(c);
      } else if (how == 1 && shortForm != null) {
        out.append(shortForm);
      } else {
        String hex = String.format("%04x", (int) c);
        out.append("\\u").append(how == 2 ? hex.toUpperCase(java.util.Locale.ROOT) : hex);
      }
    }
    return out.append('"').toString();
  }

  private static org.quicktheories.core.Gen<String> uidText() {
    return org.quicktheories.generators.SourceDSL.lists().of(org.quicktheories.generators.Generate.pick(UID_PIECES))
        .ofSizeBetween(1, 4).map(l -> String.join("", l))
        .mix(org.quicktheories.generators.Generate.pick(STORED), 40);
  }

  /** A context value of any kind, as JSON text: strings with escapes, booleans, numbers, lists, entities, records, null. */
  private static String value(int kind, String text, long choices) {
    return switch (kind) {
      case 0 -> token(text, choices);
      case 1 -> "true";
      case 2 -> "false";
      case 3 -> Long.toString(choices);
      case 4 -> "null";
      case 5 -> "[" + token(text, choices) + ",1,null,true," + token(text, ~choices) + "]";
      case 6 -> "{\"entity\":" + token(text, choices) + "}";
      case 7 -> "{\"entity\":" + token(text, choices) + ",\"x\":1}";
      case 8 -> "{\"a\":" + token(text, choices) + ",\"b\":{\"c\":false}}";
      case 9 -> "1.5";
      default -> "{}";
    };
  }

  @Test
  void theStoresUidsAreWhatParsingGives() {
    dev.writ.engine.entity.EntityStore store = dev.writ.engine.entity.MapEntityStore.of(STORED.stream()
        .map(u -> new dev.writ.engine.entity.Entity(dev.writ.engine.value.EntityUid.parse(u),
            dev.writ.language.vocab.EntityKind.RESOURCE, java.util.Map.of(), java.util.Set.of()))
        .toList());
    StreamingRequestReader withStore = new StreamingRequestReader(store);
    int[] read = new int[2]; // lines the fast path bound; of them, lines whose principal came from the store
    org.quicktheories.core.Gen<String> field = org.quicktheories.generators.SourceDSL.integers().between(0, 10)
        .zip(uidText(), org.quicktheories.generators.SourceDSL.longs().all(),
            org.quicktheories.generators.Generate.pick(List.of("mfa", "ip", "n", "entity", "\u00e9", "mfa")),
            (kind, text, choices, key) -> token(key, choices >>> 7) + ":" + value(kind, text, choices));
    qt().withExamples(3000).forAll(uidText(), uidText(), org.quicktheories.generators.SourceDSL.longs().all(),
        org.quicktheories.generators.SourceDSL.lists().of(field).ofSizeBetween(0, 4))
        .checkAssert((principal, resource, choices, context) -> {
          String line = "{\"principal\":" + token(principal, choices) + ",\"actions\":[\"doc:read\"],"
              + "\"resource\":" + token(resource, ~choices) + ",\"delegation\":[" + token(resource, choices >>> 3)
              + "],\"approvals\":[" + token(principal, choices >>> 5) + "],\"context\":{"
              + String.join(",", context) + "},\"time\":\"2026-06-15T10:00:00Z\"}";
          AccessRequest plain = FAST.tryRead(line);
          AccessRequest known = withStore.tryRead(line);
          assertEquals(plain, known, line);
          if (known != null) {
            assertEquals(full(line), known, line);
            read[0]++;
            if (store.contains(known.principal()) && store.resolve(known.principal()).uid() == known.principal()) {
              read[1]++;
            }
          }
        });
    assertTrue(read[0] > 150 && read[1] > 50, "the generated lines exercise both paths: " + read[0] + ", " + read[1]);
  }

  @Test
  void readsEveryFieldOfTheUsualShape() {
    String line = """
        {"principal":"User::alice","actions":["doc:read","doc:edit"],"resource":"Doc::\\"a b\\"",\
        "intent":{"name":"triage","ticket":"INC-1","n":3,"tags":["x","y",null],"who":{"entity":"User::bob"},\
        "meta":{"a":true,"b":null}},"duration":"1h30m","delegation":"User::carol",\
        "approvals":["User::dave",{"by":"User::erin","at":"2026-01-01T00:00:00Z"}],\
        "context":{"mfa":true,"ip":"10.0.0.1","depth":-2,"entity":"not an entity here"},"time":"2026-06-15T10:00:00Z"}""";
    AccessRequest fast = FAST.tryRead(line);
    assertNotNull(fast);
    assertEquals(full(line), fast);
    assertEquals(5400L, fast.durationSeconds().orElseThrow());
  }

  @Test
  void utcTimesParseAsInstantParseDoes() {
    qt().forAll(longs().between(-62_135_596_800L, 253_402_300_799L)).checkAssert(seconds -> {
      String text = java.time.Instant.ofEpochSecond(seconds).toString();
      assertEquals(java.time.Instant.parse(text), StreamingRequestReader.utcSeconds(text), text);
    });
    for (String odd : List.of("2026-02-30T00:00:00Z", "2026-06-15T24:00:00Z", "2026-06-15T23:59:60Z",
        "2026-06-15T10:00:00.5Z", "2026-06-15T10:00:00+01:00", "2026-6-15T10:00:00Z", "+2026-06-15T10:00:0Z")) {
      assertNull(StreamingRequestReader.utcSeconds(odd), odd);
    }
  }

  /** Each of these is valid JSON the fast path does not bind: the full reader decides what it means. */
  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "   ",
      "[1]",
      "{\"principal\":\"User::a\",\"actions\":\"r\"}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"extra\":1}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"principal\":\"User::b\"}",
      "{\"principal\":\"User::a\",\"actions\":[],\"resource\":\"Doc::d\"}",
      "{\"principal\":\"User::a\",\"actions\":[\"\"],\"resource\":\"Doc::d\"}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"time\":null}",
      "{\"principal\":\"nope\",\"actions\":\"r\",\"resource\":\"Doc::d\"}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"duration\":\"0s\"}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"duration\":3600}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"time\":\"yesterday\"}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"context\":{\"x\":1.5}}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"context\":{\"x\":99999999999999999999}}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"context\":{\"x\":1,\"x\":2}}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"context\":[]}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"context\":{\"s\":\"\\ud800\"}}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"entities\":[]}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"approvals\":\"User::b\"}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\",\"intent\":{\"ticket\":\"x\"}}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\"} {}",
      "{\"principal\":\"User::a\",\"actions\":\"r\",\"resource\":\"Doc::d\"",
  })
  void leavesEverythingElseToTheFullReader(String line) {
    assertNull(FAST.tryRead(line));
  }
}
