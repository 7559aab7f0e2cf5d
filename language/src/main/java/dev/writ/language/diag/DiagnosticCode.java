package dev.writ.language.diag;

/**
 * Every diagnostic the front end can report. The string codes are stable: users grep for them,
 * suppress them in CI scripts and look them up in {@code docs/diagnostics.md}. Never renumber or
 * rename one; add new ones instead.
 */
public enum DiagnosticCode {
  // input
  IO_UNREADABLE("io.unreadable", Severity.ERROR, "a policy file or directory cannot be read"),
  IO_NOT_TEXT("io.not-text", Severity.ERROR, "a policy file is not UTF-8 text (binary content)"),
  IO_NO_POLICIES("io.no-policies", Severity.ERROR, "the directory holds no `.policy` file"),
  LIMIT_FILE_SIZE("limit.file-size", Severity.ERROR, "a policy file is larger than the limit"),
  LIMIT_NESTING("limit.nesting", Severity.ERROR, "brackets or prefix operators nest deeper than the limit"),
  LIMIT_TOO_MANY_ERRORS("limit.too-many-errors", Severity.ERROR, "further errors of a file were not reported"),

  // syntax
  SYNTAX_UNEXPECTED_TOKEN("syntax.unexpected-token", Severity.ERROR, "the parser met a token it did not expect"),
  SYNTAX_MISSING_TOKEN("syntax.missing-token", Severity.ERROR, "a required token is missing"),
  SYNTAX_UNEXPECTED_CHARACTER("syntax.unexpected-character", Severity.ERROR, "a character that no token starts with"),
  SYNTAX_UNTERMINATED_STRING("syntax.unterminated-string", Severity.ERROR, "a string literal has no closing quote on its line"),
  SYNTAX_UNTERMINATED_COMMENT("syntax.unterminated-comment", Severity.ERROR, "a block comment has no closing `*/`"),
  SYNTAX_INVALID_ESCAPE("syntax.invalid-escape", Severity.ERROR, "a string escape other than `\\\" \\\\ \\n \\t \\uXXXX`"),
  SYNTAX_INVALID_INTEGER("syntax.invalid-integer", Severity.ERROR, "an integer with a leading zero or outside 64 bits"),
  SYNTAX_INVALID_DURATION("syntax.invalid-duration", Severity.ERROR, "a duration whose units repeat, are out of order, have leading zeros or are unknown"),
  SYNTAX_NON_ASSOCIATIVE("syntax.non-associative", Severity.ERROR, "comparisons, `in`, `like`, `matches` and `has` do not chain"),

  // names and declarations
  NAME_DUPLICATE("name.duplicate", Severity.ERROR, "a type, action, group, intent, rule, attribute or parameter is declared twice"),
  NAME_UNKNOWN_TYPE("name.unknown-type", Severity.ERROR, "an entity type that no declaration names (strict mode)"),
  NAME_UNKNOWN_ACTION("name.unknown-action", Severity.ERROR, "an action or action group that no declaration names (strict mode)"),
  NAME_UNKNOWN_INTENT("name.unknown-intent", Severity.ERROR, "an intent that no declaration names (both modes)"),
  NAME_UNKNOWN_ATTRIBUTE("name.unknown-attribute", Severity.ERROR, "an attribute that the entity type does not declare (strict mode)"),
  NAME_UNKNOWN_PARAM("name.unknown-param", Severity.ERROR, "an intent parameter that the intent does not declare"),
  NAME_UNKNOWN_VARIABLE("name.unknown-variable", Severity.ERROR, "a bare name in an expression"),
  NAME_UNKNOWN_FUNCTION("name.unknown-function", Severity.ERROR, "a function or method that does not exist"),
  NAME_RESERVED_PARAM("name.reserved-param", Severity.ERROR, "an intent parameter called `name`"),
  NAME_PACKAGE_POSITION("name.package-position", Severity.ERROR, "a package declaration that is not first in its file"),

  // actions
  ACTION_GROUP_CYCLE("action.group-cycle", Severity.ERROR, "action groups that contain each other"),
  ACTION_INVALID_WILDCARD("action.invalid-wildcard", Severity.ERROR, "a `*` that is not at the end of an action name, or a wildcard where a concrete action is needed"),
  ACTION_NOT_ON_RESOURCE("action.not-on-resource", Severity.ERROR, "an action used on resource types it is not declared for (strict mode)"),
  ACTION_EMPTY_NAME("action.empty-name", Severity.ERROR, "an empty action name"),

  // rules and intents
  RULE_DUPLICATE_CLAUSE("rule.duplicate-clause", Severity.ERROR, "a clause that may appear once appears twice"),
  RULE_GRANT_ONLY_CLAUSE("rule.grant-only-clause", Severity.ERROR, "`ttl`, `approval`, `delegate` or `standing` in a `forbid`"),
  RULE_ZERO_DURATION("rule.zero-duration", Severity.ERROR, "a `ttl` or `max` of zero"),
  RULE_INVALID_COUNT("rule.invalid-count", Severity.ERROR, "a delegation depth or approval count below 1"),
  RULE_WRONG_KIND("rule.wrong-kind", Severity.ERROR, "a selector names a type of the wrong kind (a resource type as principal, ...)"),
  RULE_STANDING_WITH_TTL("rule.standing-with-ttl", Severity.ERROR, "a grant that says both `ttl` and `standing`"),
  RULE_STANDING_WITHOUT_REASON("rule.standing-without-reason", Severity.ERROR, "`standing` with an empty reason"),
  RULE_DELEGATED_RESOURCE("rule.delegated-resource", Severity.ERROR, "`delegated` in a resource selector (it qualifies principals)"),
  RULE_IMPOSSIBLE_MEMBERSHIP("rule.impossible-membership", Severity.ERROR, "`T in E` where the schema does not let a `T` be a member of `E`'s type"),

  // types and values
  TYPE_MISMATCH("type.mismatch", Severity.ERROR, "an operand of the wrong type (strict mode)"),
  TYPE_AMBIGUOUS_ATTRIBUTE("type.ambiguous-attribute", Severity.ERROR, "an attribute read on several types that declare it with different types"),
  TYPE_ARITY("type.arity", Severity.ERROR, "a function or method called with the wrong number of arguments"),
  TYPE_INVALID_LITERAL("type.invalid-literal", Severity.ERROR, "a literal argument that can never be valid (`time(\"x\")`, a bad CIDR)"),
  REGEX_INVALID("regex.invalid", Severity.ERROR, "a `matches` pattern that does not compile"),
  INTENT_PARAM_WITHOUT_INTENT("intent.no-intent-clause", Severity.ERROR, "`intent.x` read in a rule without an `intent` clause (strict mode)"),

  // lint
  LINT_STANDING_GRANT("lint.standing-grant", Severity.WARNING, "a `grant` without `ttl` creates standing privilege"),
  LINT_AGENT_WITHOUT_INTENT("lint.agent-without-intent", Severity.WARNING, "a `grant` for agents without an `intent` clause"),
  LINT_UNGUARDED_OPTIONAL("lint.unguarded-optional", Severity.WARNING, "an optional attribute or parameter read without a `has` guard"),
  LINT_OVERRIDDEN_GRANT("lint.overridden-grant", Severity.WARNING, "a `grant` that an unconditional `forbid` always overrides"),
  LINT_UNSPONSORED_AGENT("lint.unsponsored-agent", Severity.WARNING, "a `grant` that admits agents acting with no sponsor (no `delegated`)"),
  LINT_DELEGATED_WITHOUT_DELEGATE("lint.delegated-without-delegate", Severity.WARNING, "a `grant` with a `delegated` alternative but no `delegate` clause, so the alternative never takes effect");

  private final String code;
  private final Severity severity;
  private final String summary;

  DiagnosticCode(String code, Severity severity, String summary) {
    this.code = code;
    this.severity = severity;
    this.summary = summary;
  }

  /** The stable string users see, e.g. {@code name.unknown-type}. */
  public String code() {
    return code;
  }

  public Severity severity() {
    return severity;
  }

  public String summary() {
    return summary;
  }
}
