package dev.writ.engine.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.value.EntityUid;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caller of an event survives the trail (a restart replays it), and its absence leaves the old shape. */
class CallerCodecTest {
  private static AuditEvent revoked(Caller caller) {
    AuditEvent.Header h = new AuditEvent.Header(Instant.parse("2026-06-15T10:00:00Z"), "g-1", null, null, Map.of(),
        EntityUid.parse("Employee::alice"), List.of(), List.of(), List.of("p"), "rev-1", caller);
    return new AuditEvent.Revoked(h, "manual");
  }

  @Test
  void tokenAndCertificateCallersRoundTrip() {
    for (Caller c : List.of(new Caller.Token(EntityUid.parse("Employee::carol"), "https://idp", "carol"),
        new Caller.Certificate(EntityUid.parse("Workload::gw"), "spiffe://acme/gw"))) {
      ObjectNode json = AuditCodec.write(revoked(c));
      assertEquals(c.principal().toString(), json.path("caller").path("principal").asText());
      assertEquals(revoked(c), AuditCodec.read(json));
    }
  }

  @Test
  void noCallerNoField() {
    ObjectNode json = AuditCodec.write(revoked(null));
    assertFalse(json.has("caller"), json.toString());
    assertEquals(revoked(null), AuditCodec.read(json));
  }
}
