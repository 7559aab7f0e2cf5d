package dev.writ.language.format;

import dev.writ.language.ast.Comment;
import dev.writ.language.ast.Declaration;
import dev.writ.language.vocab.Durations;
import dev.writ.language.ast.IntentDecl;
import dev.writ.language.ast.KindName;
import dev.writ.language.ast.Name;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.ast.Printer;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.ast.Str;
import dev.writ.language.source.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints a parsed file in canonical layout: one declaration or clause per line, two-space
 * indentation, single spaces, canonical literals (durations largest unit first, strings with
 * the language's escapes), a blank line around blocks. Comments are kept: each goes before the
 * item it precedes in the source, or stays at the end of the line it ended.
 *
 * <p>Formatting is idempotent and never changes meaning: {@code parse(format(f))} equals
 * {@code f} (property-tested).
 */
public final class Formatter {
  private static final int MAX_INLINE = 100;
  private static final String INDENT = "  ";

  private final String text;
  private final List<Comment> comments;
  private final List<Comment> pending;
  private final StringBuilder out = new StringBuilder();

  private Formatter(PolicyFile file) {
    Span span = file.span();
    this.text = span.isKnown() ? span.source().text() : "";
    this.comments = file.comments();
    this.pending = new ArrayList<>(file.comments());
  }

  public static String format(PolicyFile file) {
    return new Formatter(file).file(file);
  }

  private String file(PolicyFile file) {
    Span previous = null;
    boolean previousBlock = false;
    if (file.packageName().isPresent()) {
      leading(file.packageName().get().span().start(), "");
      out.append("package ").append(file.packageName().get().text()).append(';');
      trailing(file.packageName().get().span());
      newline();
      previous = file.packageName().get().span();
      previousBlock = true;
    }
    for (Declaration d : file.declarations()) {
      String rendered = renderHeader(d);
      boolean block = isBlock(d, rendered);
      if (previous != null && (block || previousBlock || blankLineBefore(previous, d.span()))) {
        out.append('\n');
      }
      leading(d.span().start(), "");
      declaration(d, rendered, block);
      previous = d.span();
      previousBlock = block;
    }
    leading(Integer.MAX_VALUE, "");
    String result = out.toString();
    return result.isEmpty() ? "" : result;
  }

  /**
   * Whether the author left a blank line between a declaration and what follows it: the next
   * declaration, or the first comment that goes before it. Blank lines between comments are kept
   * by {@link #leading}; counting them here too would add a line on every run.
   */
  private boolean blankLineBefore(Span previous, Span next) {
    int until = next.start();
    if (!pending.isEmpty() && pending.get(0).span().start() < until) {
      until = pending.get(0).span().start();
    }
    if (!previous.isKnown() || !next.isKnown() || until <= previous.end() || until > text.length()) {
      return false;
    }
    return text.substring(previous.end(), until).replace("\r", "").matches("(?s).*\n[ \t\f]*\n.*");
  }

  /** Two comments separated by nothing but whitespace that holds a blank line. */
  private boolean onlyBlankLinesBetween(Span a, Span b) {
    if (!a.isKnown() || !b.isKnown() || a.end() > b.start() || b.start() > text.length()) {
      return false;
    }
    String between = text.substring(a.end(), b.start());
    return between.isBlank() && between.replace("\r", "").matches("(?s).*\n[ \t\f]*\n.*");
  }

  // ---- declarations ------------------------------------------------------------------

  /** The one-line form of a schema declaration, or null for intents and rules. */
  private String renderHeader(Declaration d) {
    return switch (d.kind()) {
      case ENTITY_TYPE -> entityLine((Declaration.EntityType) d);
      case ACTIONS -> {
        Declaration.Actions a = (Declaration.Actions) d;
        String on = a.resourceTypes().isEmpty() ? ""
            : " on " + a.resourceTypes().stream().map(Name::value).collect(Collectors.joining(", "));
        yield "action " + Printer.strings(a.actions()) + on;
      }
      case ACTION_GROUP -> {
        Declaration.ActionGroup g = (Declaration.ActionGroup) d;
        yield "action group " + Printer.quote(g.name().value()) + " = [" + Printer.strings(g.members()) + "]";
      }
      default -> null;
    };
  }

  private boolean isBlock(Declaration d, String rendered) {
    if (rendered == null) {
      return true;
    }
    if (d instanceof Declaration.EntityType e && !e.attributes().isEmpty()) {
      return rendered.length() > MAX_INLINE || hasCommentsInside(d.span());
    }
    return false;
  }

  private boolean hasCommentsInside(Span span) {
    return span.isKnown() && pending.stream().anyMatch(c -> c.span().start() > span.start() && c.span().start() < span.end());
  }

  private void declaration(Declaration d, String rendered, boolean block) {
    switch (d.kind()) {
      case ENTITY_TYPE -> {
        Declaration.EntityType e = (Declaration.EntityType) d;
        if (!block) {
          out.append(rendered);
          trailing(d.span());
          newline();
          return;
        }
        out.append(entityPrefix(e)).append(" {");
        newline();
        for (int i = 0; i < e.attributes().size(); i++) {
          Declaration.AttributeDecl a = e.attributes().get(i);
          leading(a.span().start(), INDENT);
          out.append(INDENT).append(attribute(a)).append(i + 1 < e.attributes().size() ? "," : "");
          trailing(a.span());
          newline();
        }
        leading(d.span().isKnown() ? d.span().end() - 1 : Integer.MAX_VALUE, INDENT);
        out.append('}').append(e.tags().map(t -> " tags " + Printer.print(t)).orElse(""));
        trailing(d.span());
        newline();
      }
      case ACTIONS, ACTION_GROUP -> {
        out.append(rendered);
        trailing(d.span());
        newline();
      }
      case INTENT -> intent((IntentDecl) d);
      case RULE -> rule((RuleDecl) d);
    }
  }

  private static String entityPrefix(Declaration.EntityType e) {
    StringBuilder s = new StringBuilder(e.entityKind().keyword()).append(' ').append(e.name().value());
    if (!e.memberOf().isEmpty()) {
      s.append(" in [").append(e.memberOf().stream().map(Name::value).collect(Collectors.joining(", "))).append(']');
    }
    return s.toString();
  }

  private static String entityLine(Declaration.EntityType e) {
    String prefix = entityPrefix(e);
    String tags = e.tags().map(t -> " tags " + Printer.print(t)).orElse("");
    if (e.attributes().isEmpty()) {
      return prefix + tags;
    }
    return prefix + " { " + e.attributes().stream().map(Formatter::attribute).collect(Collectors.joining(", ")) + " }"
        + tags;
  }

  private static String attribute(Declaration.AttributeDecl a) {
    return a.name().value() + (a.optional() ? "?" : "") + ": " + Printer.print(a.type());
  }

  private void intent(IntentDecl intent) {
    out.append("intent ").append(intent.name().value()).append(" {");
    if (intent.clauses().isEmpty() && !hasCommentsInside(intent.span())) {
      out.append('}');
      trailing(intent.span());
      newline();
      return;
    }
    newline();
    for (IntentDecl.Clause c : intent.clauses()) {
      leading(c.span().start(), INDENT);
      out.append(INDENT).append(intentClause(c));
      trailing(c.span());
      newline();
    }
    close(intent.span());
  }

  private static String intentClause(IntentDecl.Clause c) {
    if (c instanceof IntentDecl.Description d) {
      return "description " + Printer.quote(d.text().value());
    }
    if (c instanceof IntentDecl.Param p) {
      return "param " + p.name().value() + (p.optional() ? "?" : "") + ": " + Printer.print(p.type())
          + p.pattern().map(s -> " matches " + Printer.quote(s.value())).orElse("");
    }
    if (c instanceof IntentDecl.Allow a) {
      return "allow " + Printer.strings(a.actions()) + a.on().map(s -> " on " + Printer.print(s)).orElse("")
          + a.when().map(w -> " when " + Printer.print(w)).orElse("");
    }
    if (c instanceof IntentDecl.Max m) {
      return "max " + Durations.format(m.seconds());
    }
    return "on drift " + (((IntentDecl.OnDrift) c).mode() == IntentDecl.DriftMode.REVOKE ? "revoke" : "deny");
  }

  private void rule(RuleDecl r) {
    out.append(r.effect().keyword()).append(' ').append(r.name().value()).append(" {");
    if (r.clauses().isEmpty() && !hasCommentsInside(r.span())) {
      out.append('}');
      trailing(r.span());
      newline();
      return;
    }
    newline();
    for (RuleDecl.Clause c : r.clauses()) {
      leading(c.span().start(), INDENT);
      out.append(INDENT).append(ruleClause(c));
      trailing(c.span());
      newline();
    }
    close(r.span());
  }

  static String ruleClause(RuleDecl.Clause c) {
    return switch (c.kind()) {
      case PRINCIPAL -> "principal " + Printer.print(((RuleDecl.PrincipalClause) c).selector());
      case ACTION -> "action " + Printer.strings(((RuleDecl.ActionClause) c).actions());
      case RESOURCE -> {
        RuleDecl.ResourceClause rc = (RuleDecl.ResourceClause) c;
        yield "resource " + Printer.print(rc.selector()) + rc.when().map(w -> " when " + Printer.print(w)).orElse("");
      }
      case INTENT -> "intent " + ((RuleDecl.IntentClause) c).intents().stream().map(Name::value)
          .collect(Collectors.joining(", "));
      case WHEN, UNLESS -> c.kind().keyword() + " " + Printer.print(((RuleDecl.Condition) c).expr());
      case TTL -> "ttl " + Durations.format(((RuleDecl.TtlClause) c).seconds());
      case APPROVAL -> {
        RuleDecl.ApprovalClause a = (RuleDecl.ApprovalClause) c;
        yield "approval " + (a.count() == 1 ? "" : a.count() + " of ") + a.from().text()
            + a.where().map(w -> " where " + Printer.print(w)).orElse("");
      }
      case DELEGATE -> {
        RuleDecl.DelegateClause d = (RuleDecl.DelegateClause) c;
        yield "delegate " + d.kinds().stream().map(KindName::keyword).collect(Collectors.joining(", "))
            + " depth " + d.depth();
      }
      case OBLIGATION -> {
        RuleDecl.ObligationClause o = (RuleDecl.ObligationClause) c;
        yield "obligation " + o.name().value() + o.value().map(v -> " " + Printer.quote(v.value())).orElse("");
      }
      default -> c.kind().keyword() + " " + ((RuleDecl.MetaClause) c).values().stream()
          .map(Str::value).map(Printer::quote).collect(Collectors.joining(", "));
    };
  }

  // ---- comments and layout -----------------------------------------------------------

  /** Comments that start before {@code offset} go on their own lines, at this indentation. */
  private void leading(int offset, String indent) {
    Comment previous = null;
    while (!pending.isEmpty() && pending.get(0).span().start() < offset) {
      Comment c = pending.remove(0);
      // Keep apart comment blocks that the author kept apart (a file header and a note).
      if (previous != null && onlyBlankLinesBetween(previous.span(), c.span())) {
        newline();
      }
      out.append(indent).append(c.text().stripTrailing());
      newline();
      previous = c;
    }
  }

  /** A comment that starts on the line where {@code span} ends stays at the end of that line. */
  private void trailing(Span span) {
    if (pending.isEmpty() || !span.isKnown()) {
      return;
    }
    Comment c = pending.get(0);
    int endLine = span.source().line(Math.max(span.start(), span.end() - 1));
    boolean sameLine = c.span().start() >= span.end() && span.source().line(c.span().start()) == endLine
        && span.source().line(Math.max(c.span().start(), c.span().end() - 1)) == endLine;
    if (sameLine) {
      pending.remove(0);
      out.append(' ').append(c.text().stripTrailing());
    }
  }

  private void close(Span block) {
    leading(block.isKnown() ? block.end() - 1 : Integer.MAX_VALUE, INDENT);
    out.append('}');
    trailing(block);
    newline();
  }

  private void newline() {
    out.append('\n');
  }
}
