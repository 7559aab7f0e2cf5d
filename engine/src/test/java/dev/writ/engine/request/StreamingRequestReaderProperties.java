package dev.writ.engine.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
      }
    });
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
