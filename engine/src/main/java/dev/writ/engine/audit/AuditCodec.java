package dev.writ.engine.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.json.Values;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Audit events to and from their JSON form. Field names are flat and stable, so that a fixture
 * assertion such as {@code {event: revoked, grant: g2, reason: drift}} and an HTTP query read
 * them directly.
 */
public final class AuditCodec {
  private AuditCodec() {}

  /** Events are read from trees already in memory; this only names them in (unlikely) errors. */
  private static final DataDocument EVENTS = DataDocument.parse("<audit event>", "{}", false);

  /**
   * The event as a JSON tree: exactly what {@link #writeFields} writes (one definition of the
   * event's shape), buffered as tokens and read back as a tree, numbers keeping their types.
   */
  public static ObjectNode write(AuditEvent e) {
    try (TokenBuffer buffer = new TokenBuffer(DataDocument.JSON, false)) {
      buffer.writeStartObject();
      writeFields(e, buffer);
      buffer.writeEndObject();
      try (JsonParser p = buffer.asParser()) {
        return (ObjectNode) DataDocument.JSON.readTree(p);
      }
    } catch (IOException x) {
      throw new UncheckedIOException(x); // a buffer in memory: only a bug gets here
    }
  }

  /**
   * Writes the fields of an event (not the braces around them) to a generator: the same fields,
   * values and order as {@link #write(AuditEvent)}'s tree, which this is the streaming form of.
   * The trail writes each event through this once, straight to the bytes of its line, instead of
   * building the tree and serialising it (TrailEncoderProperties holds the two to the same bytes).
   */
  public static void writeFields(AuditEvent e, JsonGenerator g) throws IOException {
    AuditEvent.Header h = e.header();
    g.writeStringField("time", InstantText.of(h.time()));
    g.writeStringField("event", e.type().json());
    g.writeStringField("grant", h.grant());
    nullable(g, "parent", h.parent());
    nullable(g, "intent", h.intent());
    g.writeObjectFieldStart("params");
    for (Map.Entry<String, Value> p : h.params().entrySet()) {
      g.writeFieldName(p.getKey());
      Values.write(p.getValue(), g);
    }
    g.writeEndObject();
    g.writeStringField("principal", h.principal().toString());
    uids(g, "chain", h.chain());
    uids(g, "approvers", h.approvers());
    strings(g, "policies", h.policies());
    nullable(g, "revision", h.revision());
    if (h.caller() != null) {
      Caller c = h.caller();
      g.writeObjectFieldStart("caller");
      g.writeStringField("principal", c.principal().toString());
      if (c instanceof Caller.Token t) {
        g.writeStringField("issuer", t.issuer());
        g.writeStringField("subject", t.subject());
      } else if (c instanceof Caller.Certificate cert) {
        g.writeStringField("certificate", cert.identity());
      }
      g.writeEndObject();
    }
    switch (e.type()) {
      case REQUESTED -> {
        AuditEvent.Requested r = (AuditEvent.Requested) e;
        strings(g, "actions", r.actions());
        g.writeStringField("resource", r.resource().toString());
        g.writeFieldName("context");
        Values.write(r.context(), g);
        duration(g, "duration", r.durationSeconds());
        approvals(g, r.approvals());
      }
      case DECIDED -> {
        AuditEvent.Decided d = (AuditEvent.Decided) e;
        g.writeStringField("decision", d.decision().json());
        duration(g, "ttl", d.ttlSeconds());
        g.writeBooleanField("standing", d.standing());
        strings(g, "forbids", d.forbids());
        g.writeArrayFieldStart("pending");
        for (PendingApproval p : d.pending()) {
          g.writeStartObject();
          g.writeStringField("policy", p.policy());
          g.writeStringField("from", p.from().toString());
          g.writeNumberField("required", p.required());
          g.writeNumberField("missing", p.missing());
          g.writeEndObject();
        }
        g.writeEndArray();
        strings(g, "reasons", d.reasons());
      }
      case APPROVED -> {
        AuditEvent.Approved a = (AuditEvent.Approved) e;
        g.writeStringField("by", a.by().toString());
        g.writeBooleanField("counted", a.counted());
      }
      case GRANTED -> {
        AuditEvent.Granted gr = (AuditEvent.Granted) e;
        strings(g, "actions", gr.actions());
        g.writeStringField("resource", gr.resource().toString());
        g.writeFieldName("context");
        Values.write(gr.context(), g);
        g.writeStringField("requested_at", gr.requestedAt().toString());
        duration(g, "duration", gr.requestedDuration());
        approvals(g, gr.approvals());
        g.writeStringField("issued_at", gr.issuedAt().toString());
        nullable(g, "expires_at", gr.expiresAt() == null ? null : gr.expiresAt().toString());
      }
      case DELEGATED -> {
        AuditEvent.Delegated d = (AuditEvent.Delegated) e;
        g.writeStringField("to", d.to().toString());
        strings(g, "actions", d.actions());
      }
      case ACTION -> {
        AuditEvent.ActionChecked a = (AuditEvent.ActionChecked) e;
        g.writeStringField("action", a.action());
        g.writeStringField("resource", a.resource().toString());
        g.writeStringField("answer", a.answer().json());
        g.writeBooleanField("drift", a.drift());
        strings(g, "reasons", a.reasons());
      }
      case DRIFT -> {
        AuditEvent.Drift d = (AuditEvent.Drift) e;
        g.writeStringField("action", d.action());
        g.writeStringField("resource", d.resource().toString());
        g.writeStringField("mode", d.mode().json());
      }
      case REVOKED -> {
        AuditEvent.Revoked r = (AuditEvent.Revoked) e;
        g.writeStringField("reason", r.reason());
        if (r.detail() != null) {
          g.writeStringField("detail", r.detail());
        }
      }
      case EXPIRED -> g.writeStringField("expires_at", ((AuditEvent.Expired) e).expiresAt().toString());
      case NARROWED -> {
        AuditEvent.Narrowed n = (AuditEvent.Narrowed) e;
        strings(g, "actions_before", n.actionsBefore());
        nullable(g, "expires_at_before", n.expiresBefore() == null ? null : n.expiresBefore().toString());
        strings(g, "actions", n.actions());
        nullable(g, "expires_at", n.expiresAt() == null ? null : n.expiresAt().toString());
        g.writeStringField("reason", n.reason());
      }
    }
  }

  private static void nullable(JsonGenerator g, String name, String value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeStringField(name, value);
    }
  }

  private static void duration(JsonGenerator g, String name, Long seconds) throws IOException {
    nullable(g, name, seconds == null ? null : Durations.format(seconds));
  }

  private static void uids(JsonGenerator g, String name, List<EntityUid> list) throws IOException {
    g.writeArrayFieldStart(name);
    for (EntityUid u : list) {
      g.writeString(u.toString());
    }
    g.writeEndArray();
  }

  private static void strings(JsonGenerator g, String name, List<String> list) throws IOException {
    g.writeArrayFieldStart(name);
    for (String x : list) {
      g.writeString(x);
    }
    g.writeEndArray();
  }

  private static void approvals(JsonGenerator g, List<AccessRequest.Approval> list) throws IOException {
    g.writeArrayFieldStart("approvals");
    for (AccessRequest.Approval ap : list) {
      g.writeStartObject();
      g.writeStringField("by", ap.by().toString());
      if (ap.at().isPresent()) {
        g.writeStringField("at", ap.at().get().toString());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** Reads an event back (replay after a restart). */
  public static AuditEvent read(JsonNode o) {
    DataNode n = new DataNode(EVENTS, o, "");
    AuditEvent.Type type = AuditEvent.Type.parse(o.path("event").asText());
    if (type == null) {
      throw new IllegalArgumentException("unknown event type `" + o.path("event").asText() + "`");
    }
    Map<String, Value> params = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> f : o.path("params").properties()) {
      params.put(f.getKey(), Values.untyped(n.field("params").field(f.getKey())));
    }
    AuditEvent.Header h = new AuditEvent.Header(Instant.parse(o.path("time").asText()), o.path("grant").asText(),
        text(o, "parent"), text(o, "intent"), params, EntityUid.parse(o.path("principal").asText()), uidList(o.path("chain")),
        uidList(o.path("approvers")), stringList(o.path("policies")), text(o, "revision"), caller(o.get("caller")));
    return switch (type) {
      case REQUESTED -> new AuditEvent.Requested(h, stringList(o.path("actions")), EntityUid.parse(o.path("resource").asText()),
          Values.record(n.field("context")), duration(o, "duration"), approvalList(o.path("approvals")));
      case DECIDED -> {
        List<PendingApproval> pending = new ArrayList<>();
        for (JsonNode p : o.path("pending")) {
          pending.add(new PendingApproval(p.path("policy").asText(), EntityUid.parse(p.path("from").asText()),
              p.path("required").asLong(), p.path("missing").asLong()));
        }
        yield new AuditEvent.Decided(h, known(Outcome.parse(o.path("decision").asText()), "decision", o), duration(o, "ttl"), o.path("standing").asBoolean(),
            stringList(o.path("forbids")), pending, stringList(o.path("reasons")));
      }
      case APPROVED -> new AuditEvent.Approved(h, EntityUid.parse(o.path("by").asText()), o.path("counted").asBoolean());
      case GRANTED -> new AuditEvent.Granted(h, stringList(o.path("actions")), EntityUid.parse(o.path("resource").asText()),
          Values.record(n.field("context")), Instant.parse(o.path("requested_at").asText()), duration(o, "duration"),
          approvalList(o.path("approvals")), Instant.parse(o.path("issued_at").asText()),
          text(o, "expires_at") == null ? null : Instant.parse(o.path("expires_at").asText()));
      case DELEGATED -> new AuditEvent.Delegated(h, EntityUid.parse(o.path("to").asText()), stringList(o.path("actions")));
      case ACTION -> new AuditEvent.ActionChecked(h, o.path("action").asText(), EntityUid.parse(o.path("resource").asText()),
          known(Answer.parse(o.path("answer").asText()), "answer", o), o.path("drift").asBoolean(), stringList(o.path("reasons")));
      case DRIFT -> new AuditEvent.Drift(h, o.path("action").asText(), EntityUid.parse(o.path("resource").asText()),
          known(AuditEvent.Drift.Mode.parse(o.path("mode").asText()), "mode", o));
      case REVOKED -> new AuditEvent.Revoked(h, o.path("reason").asText(), text(o, "detail"));
      case EXPIRED -> new AuditEvent.Expired(h, Instant.parse(o.path("expires_at").asText()));
      case NARROWED -> new AuditEvent.Narrowed(h, stringList(o.path("actions_before")), instant(o, "expires_at_before"),
          stringList(o.path("actions")), instant(o, "expires_at"), o.path("reason").asText());
    };
  }

  private static <E> E known(E value, String field, JsonNode o) {
    if (value == null) {
      throw new IllegalArgumentException("unknown " + field + " `" + o.path(field).asText() + "`");
    }
    return value;
  }

  private static Caller caller(JsonNode x) {
    if (x == null || x.isNull()) {
      return null;
    }
    EntityUid principal = EntityUid.parse(x.path("principal").asText());
    return x.has("certificate") ? new Caller.Certificate(principal, x.path("certificate").asText())
        : new Caller.Token(principal, x.path("issuer").asText(), x.path("subject").asText());
  }

  private static String text(JsonNode o, String name) {
    JsonNode v = o.get(name);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant instant(JsonNode o, String name) {
    String t = text(o, name);
    return t == null ? null : Instant.parse(t);
  }

  private static Long duration(JsonNode o, String name) {
    String t = text(o, name);
    return t == null ? null : Durations.parse(t);
  }

  private static List<EntityUid> uidList(JsonNode a) {
    List<EntityUid> out = new ArrayList<>();
    a.forEach(x -> out.add(EntityUid.parse(x.asText())));
    return out;
  }

  private static List<String> stringList(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(x -> out.add(x.asText()));
    return out;
  }

  private static List<AccessRequest.Approval> approvalList(JsonNode a) {
    List<AccessRequest.Approval> out = new ArrayList<>();
    for (JsonNode x : a) {
      String at = text(x, "at");
      out.add(new AccessRequest.Approval(EntityUid.parse(x.path("by").asText()),
          at == null ? Optional.empty() : Optional.of(Instant.parse(at))));
    }
    return out;
  }
}
