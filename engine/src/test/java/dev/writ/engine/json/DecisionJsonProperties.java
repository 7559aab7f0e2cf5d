package dev.writ.engine.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.testing.RequestGen;
import dev.writ.engine.testing.Scenario;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** The two forms of a decision's JSON, tree and token stream, give the same text. */
class DecisionJsonProperties {
  private static String streamed(Decision d) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = DataDocument.JSON.getFactory().createGenerator(out)) {
      DecisionJson.write(d, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  @org.junit.jupiter.api.Test
  void streamedDecisionsAreTheTreeText() {
    qt().withExamples(200).forAll(Scenario.pooled(40)).checkAssert(s -> {
      Authorizer authorizer = new Authorizer(PlanCompiler.compile(s.bundle().checked()));
      for (RequestGen.Generated g : s.requests()) {
        for (boolean explain : new boolean[] {false, true}) {
          Decision d;
          try {
            d = authorizer.decide(g.request(), s.store(), explain ? g.options().explaining() : g.options());
          } catch (BadRequestException e) {
            continue;
          }
          assertEquals(DecisionJson.write(d).toString(), streamed(d));
        }
      }
    });
  }
}
