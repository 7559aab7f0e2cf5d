package dev.writ.engine.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The trail's streaming encoder ({@link TrailFormat.Encoder}: one generator pass per event,
 * straight to bytes) writes exactly the bytes and hashes the tree path writes ({@link
 * AuditCodec#write(AuditEvent)} framed by {@link TrailFormat#line}, the line's UTF-8), for
 * generated commits of every event type, with text that needs escaping, non-ASCII text,
 * characters outside the BMP and lone surrogates, and values of every kind.
 */
class TrailEncoderProperties {
  static final List<String> PIECES = List.of("a", "Z", "0", " ", "-", "::", "\u00e9", "\u20ac", "\ud834\udd1e",
      "\ud800", "\udfff", "\"", "\\", "/", "\n", "\t", "\r", "\u0000", "\u001f", "\u007f", "\u2028", "{", "}", ",");

  static Gen<String> text() {
    return lists().of(Generate.pick(PIECES)).ofSizeBetween(0, 12).map(l -> String.join("", l));
  }

  static Gen<String> nullableText() {
    return text().mix(Generate.constant((String) null), 20);
  }

  static Gen<EntityUid> uid() {
    return text().zip(text(), (t, i) -> new EntityUid("T" + t, i));
  }

  static Gen<Instant> instant() {
    return longs().between(-1_000_000_000L, 4_000_000_000L).zip(integers().between(0, 999_999_999),
        Instant::ofEpochSecond);
  }

  static Gen<Value> scalar() {
    Gen<Value> bool = Generate.booleans().map(b -> (Value) Value.Bool.of(b));
    Gen<Value> num = longs().all().map(n -> (Value) new Value.Int(n));
    Gen<Value> str = text().map(s -> (Value) new Value.Str(s));
    Gen<Value> dur = longs().between(0, 10_000_000).map(n -> (Value) new Value.Dur(n));
    Gen<Value> time = instant().map(t -> (Value) new Value.Time(t));
    Gen<Value> dec = longs().between(-1_000_000_000L, 1_000_000_000L).map(n -> (Value) new Value.Decimal(n));
    Gen<Value> ip = integers().between(0, 255).zip(integers().between(0, 32),
        (b, p) -> (Value) new Value.IpAddr(new byte[] {10, 0, 0, b.byteValue()}, p));
    Gen<Value> entity = uid().map(u -> (Value) new Value.EntityV(u));
    return bool.mix(num).mix(str).mix(dur).mix(time).mix(dec).mix(ip).mix(entity);
  }

  static Gen<Value> value() {
    Gen<Value> set = lists().of(scalar()).ofSizeBetween(0, 4).map(l -> (Value) new Value.SetV(new LinkedHashSet<>(l)));
    Gen<Value> record = fields(scalar()).map(m -> (Value) new Value.RecordV(m));
    Gen<Value> nested = fields(scalar().mix(set).mix(record)).map(m -> (Value) new Value.RecordV(m));
    return scalar().mix(set).mix(record).mix(nested);
  }

  static Gen<Map<String, Value>> fields(Gen<Value> values) {
    return lists().of(text().zip(values, Map::entry)).ofSizeBetween(0, 4).map(l -> {
      Map<String, Value> m = new LinkedHashMap<>();
      l.forEach(e -> m.put(e.getKey(), e.getValue()));
      return m;
    });
  }

  static Gen<Value.RecordV> record() {
    return fields(value()).map(Value.RecordV::new);
  }

  static Gen<Caller> caller() {
    Gen<Caller> token = uid().zip(text(), text(), (p, i, s) -> (Caller) new Caller.Token(p, i, s));
    Gen<Caller> cert = uid().zip(text(), (p, c) -> (Caller) new Caller.Certificate(p, c));
    return token.mix(cert).mix(Generate.constant((Caller) null));
  }

  static Gen<AuditEvent.Header> header() {
    Gen<List<EntityUid>> uids = lists().of(uid()).ofSizeBetween(0, 3);
    Gen<List<String>> strings = lists().of(text()).ofSizeBetween(0, 3);
    return instant().zip(text(), nullableText(), nullableText(), (t, g, p, i) -> new Object[] {t, g, p, i})
        .zip(fields(value()), uid(), uids, (a, params, principal, chain) -> new Object[] {a, params, principal, chain})
        .zip(uids, strings, nullableText(), caller(), (b, approvers, policies, revision, caller) -> {
          Object[] a = (Object[]) b[0];
          @SuppressWarnings("unchecked")
          Map<String, Value> params = (Map<String, Value>) b[1];
          @SuppressWarnings("unchecked")
          List<EntityUid> chain = (List<EntityUid>) b[3];
          return new AuditEvent.Header((Instant) a[0], (String) a[1], (String) a[2], (String) a[3], params,
              (EntityUid) b[2], chain, approvers, policies, revision, caller);
        });
  }

  static Gen<Long> nullableSeconds() {
    return longs().between(0, 10_000_000).mix(Generate.constant((Long) null), 25);
  }

  static Gen<Instant> nullableInstant() {
    return instant().mix(Generate.constant((Instant) null), 25);
  }

  static Gen<List<AccessRequest.Approval>> approvals() {
    return lists().of(uid().zip(nullableInstant(), (u, t) -> new AccessRequest.Approval(u, Optional.ofNullable(t))))
        .ofSizeBetween(0, 3);
  }

  static Gen<AuditEvent> event() {
    Gen<List<String>> strings = lists().of(text()).ofSizeBetween(0, 3);
    Gen<AuditEvent> requested = header().zip(strings, uid(), record(), (h, a, r, c) -> new Object[] {h, a, r, c})
        .zip(nullableSeconds(), approvals(), (x, d, ap) -> (AuditEvent) new AuditEvent.Requested(
            (AuditEvent.Header) x[0], cast(x[1]), (EntityUid) x[2], (Value.RecordV) x[3], d, ap));
    Gen<List<PendingApproval>> pending = lists().of(text().zip(uid(), longs().all(), longs().all(),
        PendingApproval::new)).ofSizeBetween(0, 2);
    Gen<AuditEvent> decided = header().zip(Generate.enumValues(Outcome.class), nullableSeconds(),
        Generate.booleans(), (h, o, ttl, s) -> new Object[] {h, o, ttl, s})
        .zip(strings, pending, strings, (x, f, p, r) -> (AuditEvent) new AuditEvent.Decided(
            (AuditEvent.Header) x[0], (Outcome) x[1], (Long) x[2], (Boolean) x[3], f, p, r));
    Gen<AuditEvent> approved = header().zip(uid(), Generate.booleans(), AuditEvent.Approved::new);
    Gen<AuditEvent> granted = header().zip(strings, uid(), record(), (h, a, r, c) -> new Object[] {h, a, r, c})
        .zip(instant(), nullableSeconds(), approvals(), (x, at, d, ap) -> new Object[] {x, at, d, ap})
        .zip(instant(), nullableInstant(), (y, issued, expires) -> {
          Object[] x = (Object[]) y[0];
          return (AuditEvent) new AuditEvent.Granted((AuditEvent.Header) x[0], cast(x[1]), (EntityUid) x[2],
              (Value.RecordV) x[3], (Instant) y[1], (Long) y[2], cast(y[3]), issued, expires);
        });
    Gen<AuditEvent> delegated = header().zip(uid(), strings, AuditEvent.Delegated::new);
    Gen<AuditEvent> action = header().zip(text(), uid(), Generate.enumValues(Answer.class),
        (h, a, r, ans) -> new Object[] {h, a, r, ans}).zip(Generate.booleans(), strings,
        (x, d, rs) -> (AuditEvent) new AuditEvent.ActionChecked((AuditEvent.Header) x[0], (String) x[1],
            (EntityUid) x[2], (Answer) x[3], d, rs));
    Gen<AuditEvent> drift = header().zip(text(), uid(), Generate.enumValues(AuditEvent.Drift.Mode.class),
        AuditEvent.Drift::new);
    Gen<AuditEvent> revoked = header().zip(text(), nullableText(), AuditEvent.Revoked::new);
    Gen<AuditEvent> expired = header().zip(instant(), AuditEvent.Expired::new);
    Gen<AuditEvent> narrowed = header().zip(strings, nullableInstant(), strings, (h, b, eb, a) -> new Object[] {h, b, eb, a})
        .zip(nullableInstant(), text(), (x, e, r) -> (AuditEvent) new AuditEvent.Narrowed((AuditEvent.Header) x[0],
            cast(x[1]), (Instant) x[2], cast(x[3]), e, r));
    return requested.mix(decided).mix(approved).mix(granted).mix(delegated).mix(action).mix(drift).mix(revoked)
        .mix(expired).mix(narrowed);
  }

  @SuppressWarnings("unchecked")
  static <T> T cast(Object o) {
    return (T) o;
  }

  @Test
  void theEncoderWritesTheBytesTheTreePathWrites() {
    TrailFormat.Encoder encoder = new TrailFormat.Encoder(); // one for all examples: it is reused, as by the trail
    qt().withExamples(1500).forAll(lists().of(lists().of(event()).ofSizeBetween(1, 4)).ofSizeBetween(1, 3),
        longs().between(0, 1_000_000_000_000L)).checkAssert((commits, first) -> {
          long seq = first;
          String head = TrailFormat.GENESIS;
          for (List<AuditEvent> commit : commits) {
            ByteArrayOutputStream want = new ByteArrayOutputStream();
            List<String> wantHashes = new ArrayList<>();
            String h = head;
            for (int i = 0; i < commit.size(); i++) {
              TrailFormat.Line line = TrailFormat.line(seq + 1 + i, h, AuditCodec.write(commit.get(i)),
                  i < commit.size() - 1);
              want.writeBytes((line.text() + "\n").getBytes(StandardCharsets.UTF_8));
              wantHashes.add(line.hash());
              h = line.hash();
            }
            encoder.clear();
            List<String> gotHashes = new ArrayList<>();
            List<Integer> starts = new ArrayList<>();
            h = head;
            for (int i = 0; i < commit.size(); i++) {
              starts.add(encoder.size());
              h = encoder.append(seq + 1 + i, h, commit.get(i), i < commit.size() - 1);
              gotHashes.add(h);
            }
            ByteBuffer b = encoder.buffer();
            byte[] got = new byte[b.remaining()];
            b.get(got);
            assertArrayEquals(want.toByteArray(), got);
            assertEquals(wantHashes, gotHashes);
            String[] wantLines = new String(want.toByteArray(), StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < starts.size(); i++) {
              assertEquals(wantLines[i], encoder.line(starts.get(i)));
              TrailFormat.Parsed p = TrailFormat.parse(encoder.line(starts.get(i)));
              assertEquals(true, p.hashMatches());
            }
            seq += commit.size();
            head = h;
          }
        });
  }
}
