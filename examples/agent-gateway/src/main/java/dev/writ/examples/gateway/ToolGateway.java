package dev.writ.examples.gateway;

import dev.writ.engine.audit.Answer;
import dev.writ.engine.grant.ActionAnswer;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.value.EntityUid;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The enforcement point between an AI agent and its tools. The agent never calls a tool
 * directly: it asks the gateway, naming the grant it works under. The gateway maps the tool to
 * the action it performs, asks Writ whether that action is covered (an action check, docs/language.md
 * §8), and runs the tool only on {@code allow}. Writ records every check in the audit trail.
 */
public final class ToolGateway {
  /** Which action each tool performs (actions of the incident_db topic). A tool the gateway does not know is never run. */
  private static final Map<String, String> TOOL_ACTIONS = Map.of(
      "sql.query", "db:select",
      "sql.describe", "db:describe",
      "sql.execute", "db:update");

  private final GrantRuntime writ;

  public ToolGateway(GrantRuntime writ) {
    this.writ = writ;
  }

  /** A tool call as the agent framework hands it over. */
  public record ToolCall(String grant, String tool, EntityUid resource, String argument) {}

  /** What the gateway did with a call: Writ's answer, and the tool's output when it ran. */
  public record Outcome(ToolCall call, ActionAnswer answer, Optional<String> output) {}

  public Outcome call(ToolCall call) {
    String action = TOOL_ACTIONS.get(call.tool());
    if (action == null) {
      return new Outcome(call, new ActionAnswer(Answer.DENY, false, List.of("unknown tool " + call.tool()),
          List.of()), Optional.empty());
    }
    // Time is the gateway's clock: the runtime fills it in.
    ActionAnswer answer = writ.act(new ActionFact(call.grant(), action, call.resource(), Optional.empty()));
    Optional<String> output = answer.allowed() ? Optional.of(runTool(call)) : Optional.empty();
    return new Outcome(call, answer, output);
  }

  /** Stands in for the real tool. */
  private static String runTool(ToolCall call) {
    return "ran " + call.argument();
  }
}
