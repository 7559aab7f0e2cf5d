package dev.writ.engine.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.EvalErrorInfo;
import dev.writ.engine.decision.Obligation;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.decision.RuleTrace;
import dev.writ.engine.value.EntityUid;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link JsonText} and {@link DecisionJson#write(Decision, JsonText)} give, character for
 * character, what Jackson's generator gives ({@link DecisionJson#write(Decision, JsonGenerator)}):
 * for strings made of every character JSON escapes (each control character, quote, backslash),
 * non-ASCII text, pairs and lone surrogates, and for decisions of every shape built from such
 * strings (pending approvals, obligations with and without a value, several actions, errors,
 * explanations), also when the text outgrows the buffer.
 */
class JsonTextProperties {
  private static final List<String> PIECES = List.of("a", "Z", "0", " ", "-", "::", "`", "\u00e9", "\u00ff",
      "\u0100", "\u20ac", "\ud834\udd1e", "\ud800", "\udfff", "\"", "\\", "/", "\n", "\t", "\r", "\b", "\f",
      "\u0000", "\u0001", "\u000b", "\u001f", "\u007f", "\u0085", "\u2028", "{", "}", ",", "doc:read");

  private static Gen<String> text() {
    return lists().of(Generate.pick(PIECES)).ofSizeBetween(0, 10).map(l -> String.join("", l));
  }

  private static Gen<List<String>> texts() {
    return lists().of(text()).ofSizeBetween(0, 3);
  }

  private static String generator(IoConsumer<JsonGenerator> write) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = DataDocument.JSON.getFactory().createGenerator(out)) {
      g.setRootValueSeparator(null);
      write.accept(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String text(IoConsumer<JsonText> write) {
    StringWriter out = new StringWriter();
    JsonText t = new JsonText(out);
    try {
      write.accept(t);
      t.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private interface IoConsumer<T> {
    void accept(T t) throws IOException;
  }

  @Test
  void stringsAndNumbersAreTheGeneratorsText() {
    qt().withExamples(2000).forAll(text(), longs().all()).checkAssert((s, n) -> {
      assertEquals(generator(g -> {
        g.writeStartArray();
        g.writeString(s);
        g.writeNumber(n);
        g.writeEndArray();
      }), text(t -> {
        t.raw('[');
        t.string(s);
        t.raw(',');
        t.number(n);
        t.raw(']');
      }), s);
    });
    for (char c = 0; c < 0x100; c++) {
      String s = "x" + c + "y";
      assertEquals(generator(g -> g.writeString(s)), text(t -> t.string(s)), "U+" + Integer.toHexString(c));
    }
  }

  @Test
  void textLongerThanTheBufferIsWrittenWhole() {
    qt().withExamples(20).withShrinkCycles(10).forAll(integers().between(1, 100_000), text())
        .checkAssert((count, s) -> {
      String big = s.repeat(Math.max(1, count / Math.max(1, s.length())));
      String expected = generator(g -> {
        for (int i = 0; i < 3; i++) {
          g.writeString(big);
        }
      });
      String actual = text(t -> {
        for (int i = 0; i < 3; i++) {
          t.string(big);
        }
      });
      assertTrue(expected.equals(actual), () -> "differs for " + count + " x " + s);
    });
  }

  private static Gen<Decision> decisions() {
    Gen<PendingApproval> pending = text().zip(text(), longs().between(0, 5), longs().between(-1, 5),
        (p, id, r, m) -> new PendingApproval(p, new EntityUid("Team", id.isEmpty() ? "x" : id), r, m));
    Gen<Obligation> obligations = text().zip(text(), booleans().all(), text(),
        (n, v, nullValue, p) -> new Obligation(n, nullValue ? null : v, p));
    Gen<EvalErrorInfo> errors = text().zip(text(), text(), EvalErrorInfo::new);
    Gen<RuleTrace> traces = text().zip(text(), text(), text(),
        (p, e, a, d) -> new RuleTrace(p, e, a, d.isEmpty() ? "User::u" : d,
            RuleTrace.Result.values()[Math.floorMod(p.length() + d.length(), RuleTrace.Result.values().length)], d));
    Gen<Map<String, Outcome>> actions = lists().of(text().zip(Generate.enumValues(Outcome.class),
        (k, o) -> Map.entry(k.isEmpty() ? "doc:read" : k, o))).ofSizeBetween(1, 3).map(l -> {
          Map<String, Outcome> m = new LinkedHashMap<>();
          l.forEach(e -> m.put(e.getKey(), e.getValue()));
          return m;
        });
    Gen<Optional<Long>> ttl = longs().between(-1, 200_000).map(s -> s < 0 ? Optional.<Long>empty() : Optional.of(s));
    Gen<Optional<List<RuleTrace>>> explanation = lists().of(traces).ofSizeBetween(0, 3).zip(booleans().all(),
        (l, present) -> present ? Optional.of(l) : Optional.<List<RuleTrace>>empty());
    return Generate.enumValues(Outcome.class).zip(ttl, booleans().all(), texts(),
        (o, t, standing, policies) -> new Object[] {o, t, standing, policies})
        .zip(texts(), lists().of(pending).ofSizeBetween(0, 2), lists().of(obligations).ofSizeBetween(0, 2),
            actions, (a, forbids, p, ob, act) -> new Object[] {a, forbids, p, ob, act})
        .zip(texts(), lists().of(errors).ofSizeBetween(0, 2), explanation, (b, reasons, err, ex) -> {
          Object[] a = (Object[]) b[0];
          @SuppressWarnings("unchecked")
          Decision d = new Decision((Outcome) a[0], (Optional<Long>) a[1], (Boolean) a[2], (List<String>) a[3],
              (List<String>) b[1], (List<PendingApproval>) b[2], (List<Obligation>) b[3],
              (Map<String, Outcome>) b[4], reasons, err, ex);
          return d;
        });
  }

  @Test
  void decisionsAreTheGeneratorsText() {
    qt().withExamples(1500).withShrinkCycles(50).forAll(decisions()).checkAssert(d -> {
      assertEquals(generator(g -> DecisionJson.write(d, g)), text(t -> DecisionJson.write(d, t)), d::toString);
      assertEquals(DecisionJson.write(d).toString(), text(t -> DecisionJson.write(d, t)), d::toString);
    });
  }

  @Test
  void aStreamOfDecisionsIsTheGeneratorsStream() {
    qt().withExamples(30).withShrinkCycles(10).forAll(lists().of(decisions()).ofSizeBetween(0, 400))
        .checkAssert(list -> {
      assertEquals(generator(g -> {
        for (Decision d : list) {
          DecisionJson.write(d, g);
          g.writeRaw("\n");
        }
      }), text(t -> {
        for (Decision d : list) {
          DecisionJson.write(d, t);
          t.raw('\n');
        }
      }));
    });
  }
}
