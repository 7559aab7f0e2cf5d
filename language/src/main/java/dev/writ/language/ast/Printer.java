package dev.writ.language.ast;
import dev.writ.language.vocab.Durations;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Prints syntax back to canonical source text with the fewest parentheses that keep the tree
 * the same when parsed again. Used by the formatter and in explanations.
 */
public final class Printer {
  private Printer() {}

  private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  // Precedence levels, loosest first (docs/language.md §6).
  private static final int IF = 0;
  private static final int OR = 1;
  private static final int AND = 2;
  private static final int NOT = 3;
  private static final int REL = 4;
  private static final int ADD = 5;
  private static final int MUL = 6;
  private static final int NEG = 7;
  private static final int POSTFIX = 8;
  private static final int PRIMARY = 9;

  public static boolean isIdentifier(String s) {
    return IDENT.matcher(s).matches();
  }

  /** A string literal with the language's escapes. */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /**
   * A {@code like} pattern (in glob form: {@code *} any run, {@code \*} a literal star,
   * {@code \\} a literal backslash) as a string literal.
   */
  public static String quoteGlob(String glob) {
    StringBuilder out = new StringBuilder().append('"');
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '\\' && i + 1 < glob.length() && (glob.charAt(i + 1) == '*' || glob.charAt(i + 1) == '\\')) {
        out.append(glob.charAt(++i) == '*' ? "\\*" : "\\\\");
        continue;
      }
      String q = quote(String.valueOf(c));
      out.append(q, 1, q.length() - 1);
    }
    return out.append('"').toString();
  }

  public static String print(Expr e) {
    StringBuilder out = new StringBuilder();
    print(e, 0, out);
    return out.toString();
  }

  private static int precedence(Expr e) {
    return switch (e.kind()) {
      case OR -> OR;
      case AND -> AND;
      case NOT -> NOT;
      case BINARY -> ((Expr.Binary) e).op().isRelational() ? REL : ((Expr.Binary) e).op() == Expr.BinaryOp.MUL ? MUL : ADD;
      case LIKE, MATCHES, HAS, IS -> REL;
      case IF -> IF;
      case NEG -> NEG;
      case INT -> ((Expr.IntLit) e).value() < 0 ? NEG : PRIMARY;
      case ATTR, INDEX, METHOD -> POSTFIX;
      default -> PRIMARY;
    };
  }

  private static void print(Expr e, int minPrec, StringBuilder out) {
    boolean parens = precedence(e) < minPrec;
    if (parens) {
      out.append('(');
    }
    switch (e.kind()) {
      case BOOL -> out.append(((Expr.BoolLit) e).value());
      case INT -> out.append(((Expr.IntLit) e).value());
      case STRING -> out.append(quote(((Expr.StrLit) e).value()));
      case DURATION -> out.append(Durations.format(((Expr.DurationLit) e).seconds()));
      case ENTITY -> out.append(((Expr.EntityLit) e).entity().text());
      case VAR -> out.append(((Expr.Var) e).variable().keyword());
      case ATTR -> {
        Expr.Attr a = (Expr.Attr) e;
        print(a.target(), POSTFIX, out);
        out.append('.').append(a.attr().value());
      }
      case INDEX -> {
        Expr.Index ix = (Expr.Index) e;
        print(ix.target(), POSTFIX, out);
        out.append('[').append(quote(ix.key())).append(']');
      }
      case HAS -> {
        Expr.Has h = (Expr.Has) e;
        print(h.target(), ADD, out);
        out.append(" has ").append(isIdentifier(h.attr()) ? h.attr() : quote(h.attr()));
      }
      case BINARY -> {
        Expr.Binary b = (Expr.Binary) e;
        if (b.op().isRelational()) {
          print(b.left(), ADD, out);
          out.append(' ').append(b.op().symbol()).append(' ');
          print(b.right(), ADD, out);
        } else if (b.op() == Expr.BinaryOp.MUL) {
          print(b.left(), MUL, out);
          out.append(" * ");
          print(b.right(), NEG, out);
        } else {
          print(b.left(), ADD, out);
          out.append(' ').append(b.op().symbol()).append(' ');
          print(b.right(), MUL, out);
        }
      }
      case AND -> join(((Expr.And) e).operands(), " && ", NOT, out);
      case OR -> join(((Expr.Or) e).operands(), " || ", AND, out);
      case NOT -> {
        out.append('!');
        print(((Expr.Not) e).operand(), NOT, out);
      }
      case NEG -> {
        out.append('-');
        print(((Expr.Neg) e).operand(), NEG, out);
      }
      case LIKE -> {
        Expr.Like l = (Expr.Like) e;
        print(l.operand(), ADD, out);
        out.append(" like ").append(quoteGlob(l.pattern()));
      }
      case MATCHES -> {
        Expr.Matches m = (Expr.Matches) e;
        print(m.operand(), ADD, out);
        out.append(" matches ").append(quote(m.regex()));
      }
      case METHOD -> {
        Expr.MethodCall m = (Expr.MethodCall) e;
        print(m.target(), POSTFIX, out);
        out.append('.').append(m.method().value()).append('(');
        join(m.args(), ", ", 0, out);
        out.append(')');
      }
      case CALL -> {
        Expr.Call c = (Expr.Call) e;
        out.append(c.function().value()).append('(');
        join(c.args(), ", ", 0, out);
        out.append(')');
      }
      case SET -> {
        out.append('[');
        join(((Expr.SetLit) e).elements(), ", ", 0, out);
        out.append(']');
      }
      case RECORD -> {
        out.append('{');
        List<Expr.Field> fields = ((Expr.RecordLit) e).fields();
        for (int i = 0; i < fields.size(); i++) {
          if (i > 0) {
            out.append(", ");
          }
          String key = fields.get(i).name();
          out.append(isIdentifier(key) ? key : quote(key)).append(": ");
          print(fields.get(i).value(), 0, out);
        }
        out.append('}');
      }
      case IS -> {
        Expr.Is is = (Expr.Is) e;
        print(is.operand(), ADD, out);
        out.append(" is ").append(is.type().value());
        is.in().ifPresent(in -> {
          out.append(" in ");
          print(in, ADD, out);
        });
      }
      case IF -> {
        Expr.If i = (Expr.If) e;
        out.append("if ");
        print(i.condition(), IF, out);
        out.append(" then ");
        print(i.then(), IF, out);
        out.append(" else ");
        print(i.otherwise(), IF, out);
      }
    }
    if (parens) {
      out.append(')');
    }
  }

  private static void join(List<Expr> items, String sep, int minPrec, StringBuilder out) {
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.append(sep);
      }
      print(items.get(i), minPrec, out);
    }
  }

  public static String print(Selector s) {
    return s.alternatives().stream().map(Printer::print).collect(Collectors.joining(", "));
  }

  public static String print(Selector.Alt alt) {
    String target;
    if (alt.target() instanceof Selector.KindTarget k) {
      target = k.kind().keyword();
    } else if (alt.target() instanceof Selector.TypeTarget t) {
      target = t.type().value();
    } else {
      target = ((Selector.EntityTarget) alt.target()).entity().text();
    }
    String prefix = alt.delegated() ? "delegated " : "";
    return prefix + alt.in().map(in -> target + " in " + in.text()).orElse(target);
  }

  public static String print(TypeExpr t) {
    if (t instanceof TypeExpr.Primitive p) {
      return p.kind().text();
    }
    if (t instanceof TypeExpr.SetOf s) {
      return "Set<" + print(s.element()) + ">";
    }
    if (t instanceof TypeExpr.RecordOf r) {
      return "{" + r.fields().stream().map(f -> f.name().value() + (f.optional() ? "?" : "") + ": " + print(f.type()))
          .collect(Collectors.joining(", ")) + "}";
    }
    return ((TypeExpr.Named) t).name().value();
  }

  public static String strings(List<Str> values) {
    return values.stream().map(s -> quote(s.value())).collect(Collectors.joining(", "));
  }
}
