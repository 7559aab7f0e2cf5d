package dev.writ.engine.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.value.EntityUid;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantIdsTest {
  @Test
  void randomIdsAreNinetySixBitsOfBase32AndDoNotRepeat() {
    GrantTable table = new GrantTable();
    Set<String> seen = new HashSet<>();
    Set<Character> alphabet = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      String id = GrantIds.random().next(table);
      assertTrue(id.matches("g-[a-z2-7]{20}"), id);
      assertTrue(seen.add(id), "repeated: " + id);
      id.substring(2).chars().forEach(c -> alphabet.add((char) c));
    }
    assertEquals(32, alphabet.size(), "every base32 digit occurs: the bits are not stuck");
  }

  @Test
  void sequentialIdsCount() {
    assertEquals("g-000001", GrantIds.sequential().next(new GrantTable()));
  }

  @Test
  void onlyNumberedIdsMoveTheCounter() {
    GrantTable table = new GrantTable();
    for (String id : List.of("g-000041", "g-abcdefghijklmnopqrst", "g-12ab", "g-", "x-000099",
        "g-9999999999999999999999", "g-000007")) {
      table.apply(new AuditEvent.Expired(new AuditEvent.Header(Instant.EPOCH, id, null, null, Map.of(),
          new EntityUid("User", "alice"), List.of(), List.of(), List.of(), "r1"), Instant.EPOCH));
    }
    assertEquals("g-000042", table.nextId());
  }
}
