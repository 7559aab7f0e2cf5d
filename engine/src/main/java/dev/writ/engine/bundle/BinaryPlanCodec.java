package dev.writ.engine.bundle;

import dev.writ.engine.plan.PlanData;
import dev.writ.engine.plan.PlanExpr;
import dev.writ.engine.plan.PlanIntent;
import dev.writ.engine.plan.PlanRule;
import dev.writ.engine.plan.PlanSelector;
import dev.writ.language.vocab.Schema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The binary plan of bundle format version 3 (docs/bundle-format.md, "Binary plan"): a string
 * table (each distinct string once), the schema in its JSON form, then the intents and the rules
 * as varint-encoded records with expressions as flat prefix-order node lists. Reading is strict
 * and never recurses: every malformed input is a {@link Malformed} naming the record path and the
 * byte offset, and no count allocates more than the bytes still unread could fill.
 */
final class BinaryPlanCodec {
  private BinaryPlanCodec() {}

  private static final PlanExpr.Op[] OPS = PlanExpr.Op.values();
  private static final PlanSelector.Target[] TARGETS = PlanSelector.Target.values();
  /** Smallest encoding of an expression node: op, str, num, argument count and at, one byte each. */
  private static final int MIN_NODE_BYTES = 5;

  /** The plan gzip'd, the SHA-256 of the uncompressed binary plan (the plan digest), and its size. */
  record Encoded(byte[] gzip, byte[] digest, int rawLength) {}

  /** A plan that is not well-formed binary plan data. */
  static final class Malformed extends IOException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null);
    }
  }

  // ---------------------------------------------------------------- writing

  static Encoded encode(PlanData plan) {
    byte[] raw = raw(plan);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, raw.length / 4));
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes, 64 * 1024)) {
      gzip.write(raw);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // in-memory streams: not reachable
    }
    return new Encoded(bytes.toByteArray(), PlanCodec.sha256().digest(raw), raw.length);
  }

  /** The uncompressed binary plan: the string table, then the body that refers to it. */
  static byte[] raw(PlanData plan) {
    PlanCodec.checkDepths(plan);
    Writer body = new Writer();
    byte[] schema = PlanCodec.json(plan.schema());
    body.uint(schema.length);
    body.bytes(schema, 0, schema.length);
    body.uint(plan.intents().size());
    for (PlanIntent i : plan.intents()) {
      body.intent(i);
    }
    body.uint(plan.rules().size());
    for (PlanRule r : plan.rules()) {
      body.rule(r);
    }
    Writer out = new Writer();
    out.uint(body.strings.size());
    for (byte[] s : body.strings) {
      out.uint(s.length);
      out.bytes(s, 0, s.length);
    }
    out.bytes(body.buf, 0, body.len);
    return Arrays.copyOf(out.buf, out.len);
  }

  private static final class Writer {
    byte[] buf = new byte[1 << 16];
    int len;
    final Map<String, Integer> ids = new HashMap<>();
    final List<byte[]> strings = new ArrayList<>();

    void ensure(int n) {
      if (len + n > buf.length) {
        long want = Math.max((long) buf.length * 2, (long) len + n);
        if (want > Integer.MAX_VALUE - 16) {
          throw new BundleException("the plan is larger than one bundle can hold");
        }
        buf = Arrays.copyOf(buf, (int) want);
      }
    }

    void u8(int b) {
      ensure(1);
      buf[len++] = (byte) b;
    }

    void bytes(byte[] b, int off, int n) {
      ensure(n);
      System.arraycopy(b, off, buf, len, n);
      len += n;
    }

    void varint(long v) {
      ensure(10);
      while ((v & ~0x7fL) != 0) {
        buf[len++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
    }

    void uint(int v) {
      varint(v & 0xffffffffL);
    }

    void sint(long v) {
      varint((v << 1) ^ (v >> 63)); // zigzag: small negative numbers stay small
    }

    void bool(boolean b) {
      u8(b ? 1 : 0);
    }

    void str(String s) {
      if (s == null) {
        u8(0);
        return;
      }
      Integer id = ids.get(s);
      if (id == null) {
        id = strings.size() + 1;
        ids.put(s, id);
        strings.add(s.getBytes(StandardCharsets.UTF_8));
      }
      uint(id);
    }

    void optLong(Long v) {
      if (v == null) {
        u8(0);
      } else {
        u8(1);
        sint(v);
      }
    }

    /** A list that may be null: its size plus one, or 0 for null. */
    void count(List<?> list) {
      if (list == null) {
        u8(0);
      } else {
        uint(list.size() + 1);
        for (Object o : list) { // not contains(null): immutable lists throw on it
          if (o == null) {
            throw new IllegalArgumentException("a plan list holds a null");
          }
        }
      }
    }

    void strs(List<String> list) {
      count(list);
      if (list != null) {
        list.forEach(this::str);
      }
    }

    void selectors(List<PlanSelector> list) {
      count(list);
      if (list != null) {
        for (PlanSelector s : list) {
          uint(s.target().ordinal());
          str(s.value());
          str(s.in());
          bool(s.delegated());
        }
      }
    }

    /** Node count (0: no expression), then op, str, num, argument count, at per node, prefix order. */
    void expr(PlanExpr e) {
      if (e == null) {
        u8(0);
        return;
      }
      int n = 0;
      ArrayDeque<PlanExpr> todo = new ArrayDeque<>();
      todo.push(e);
      // First the count: one walk to count, one to write, both without recursion.
      while (!todo.isEmpty()) {
        PlanExpr x = todo.pop();
        n++;
        x.args().forEach(todo::push);
      }
      uint(n);
      todo.push(e);
      while (!todo.isEmpty()) {
        PlanExpr x = todo.pop();
        uint(x.op().ordinal());
        str(x.str());
        sint(x.num());
        uint(x.args().size());
        str(x.at());
        for (int i = x.args().size() - 1; i >= 0; i--) {
          todo.push(x.arg(i));
        }
      }
    }

    void intent(PlanIntent i) {
      str(i.name());
      str(i.description());
      count(i.params());
      if (i.params() != null) {
        for (PlanIntent.Param p : i.params()) {
          str(p.name());
          bool(p.optional());
          str(p.type());
          str(p.pattern());
        }
      }
      count(i.allows());
      if (i.allows() != null) {
        for (PlanIntent.Allow a : i.allows()) {
          strs(a.actions());
          selectors(a.on());
          expr(a.when());
          str(a.whenText());
        }
      }
      optLong(i.maxSeconds());
      bool(i.revokeOnDrift());
    }

    void rule(PlanRule r) {
      sint(r.id());
      str(r.name());
      bool(r.forbid());
      selectors(r.principal());
      strs(r.actions());
      selectors(r.resource());
      strs(r.intents());
      count(r.conditions());
      if (r.conditions() != null) {
        for (PlanRule.Condition c : r.conditions()) {
          bool(c.unless());
          expr(c.expr());
          str(c.text());
          str(c.at());
        }
      }
      optLong(r.ttlSeconds());
      str(r.standing());
      count(r.approvals());
      if (r.approvals() != null) {
        for (PlanRule.Approval a : r.approvals()) {
          sint(a.count());
          str(a.from());
          expr(a.where());
          str(a.whereText());
        }
      }
      PlanRule.Delegation d = r.delegation();
      bool(d != null);
      if (d != null) {
        bool(d.anyKind());
        strs(d.kinds());
        sint(d.depth());
      }
      count(r.obligations());
      if (r.obligations() != null) {
        for (PlanRule.ObligationDef o : r.obligations()) {
          str(o.name());
          str(o.value());
        }
      }
      PlanRule.Meta m = r.meta();
      bool(m != null);
      if (m != null) {
        str(m.description());
        str(m.owner());
        strs(m.controls());
        str(m.reason());
      }
      str(r.at());
    }
  }

  // ---------------------------------------------------------------- reading

  /**
   * Decompresses and decodes the plan section of a version 3 bundle.
   *
   * @param maxBytes   largest uncompressed plan accepted (a small gzip can inflate enormously)
   * @param planDigest receives the SHA-256 of the uncompressed plan
   * @throws PlanCodec.TooLarge past {@code maxBytes}; {@link Malformed} or another IOException
   *                            (bad gzip) on malformed data
   */
  static PlanData decodePlan(byte[] data, int offset, int length, long maxBytes, MessageDigest planDigest)
      throws IOException {
    Inflated raw = inflate(data, offset, length, maxBytes);
    planDigest.update(raw.bytes(), 0, raw.length());
    return decode(raw.bytes(), raw.length());
  }

  /** Decodes an uncompressed binary plan of {@code length} bytes at the start of {@code raw}. */
  static PlanData decode(byte[] raw, int length) throws Malformed {
    Reader r = new Reader(raw, length);
    try {
      return r.plan();
    } catch (Malformed e) {
      throw e;
    } catch (RuntimeException e) {
      // A record constructor refused a value (a selector `any` with a value, say).
      throw r.bad(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
  }

  /** The gunzip'd plan section, sized from the gzip trailer when that is plausible. */
  static Inflated inflate(byte[] data, int offset, int length, long maxBytes) throws IOException {
    long hint = 0;
    if (length >= 18) {
      int t = offset + length - 4; // ISIZE: the uncompressed size modulo 2^32, little-endian
      hint = (data[t] & 0xffL) | (data[t + 1] & 0xffL) << 8 | (data[t + 2] & 0xffL) << 16 | (data[t + 3] & 0xffL) << 24;
    }
    // The trailer is not trusted: a few bytes must not reserve much memory before it is inflated.
    long initial = Math.min(Math.min(hint, maxBytes) + 1, 64L * length + 65536);
    long limit = Math.min(maxBytes, Integer.MAX_VALUE - 17); // what one array can hold
    byte[] buf = new byte[(int) Math.max(1024, Math.min(initial, limit + 1))];
    int n = 0;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data, offset, length), 64 * 1024)) {
      while (true) {
        if (n == buf.length) {
          if (n > limit) {
            throw new PlanCodec.TooLarge(limit);
          }
          buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, limit + 1));
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
    }
    if (n > limit) {
      throw new PlanCodec.TooLarge(limit);
    }
    return new Inflated(buf, n);
  }

  record Inflated(byte[] bytes, int length) {}

  private static final class Reader {
    private final byte[] b;
    private final int end;
    private int pos;
    private String[] strings = new String[0];

    // The record path, for messages: names and indexes (-1: none), kept as a small stack.
    private final String[] names = new String[16];
    private final int[] indexes = new int[16];
    private int depth;

    // Scratch arrays of the expression decoder, reused from one expression to the next.
    private int[] ops = new int[64];
    private String[] strs = new String[64];
    private long[] nums = new long[64];
    private int[] argcs = new int[64];
    private String[] ats = new String[64];
    private PlanExpr[] stack = new PlanExpr[64];
    private int[] depths = new int[64];

    Reader(byte[] b, int end) {
      this.b = b;
      this.end = end;
    }

    Malformed bad(String what) {
      StringBuilder sb = new StringBuilder("at ");
      if (depth == 0) {
        sb.append("the top");
      }
      for (int i = 0; i < depth; i++) {
        sb.append(i == 0 ? "" : ".").append(names[i]);
        if (indexes[i] >= 0) {
          sb.append('[').append(indexes[i]).append(']');
        }
      }
      return new Malformed(sb.append(", byte ").append(pos).append(" of the plan: ").append(what).toString());
    }

    private void enter(String name) {
      names[depth] = name;
      indexes[depth] = -1;
      depth++;
    }

    private void index(int i) {
      indexes[depth - 1] = i;
    }

    private void leave() {
      depth--;
    }

    private long varint() throws Malformed {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        if (pos >= end) {
          throw bad("the plan ends in the middle of a value");
        }
        int x = b[pos++];
        if (shift == 63 && (x & 0x7e) != 0) {
          throw bad("a number longer than 64 bits");
        }
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
        if (shift == 63) {
          throw bad("a number longer than 64 bits");
        }
      }
    }

    private int uint() throws Malformed {
      if (pos < end && b[pos] >= 0) {
        return b[pos++]; // one byte: most values
      }
      long v = varint();
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw bad("number " + Long.toUnsignedString(v) + " out of range");
      }
      return (int) v;
    }

    private long sint() throws Malformed {
      long v = varint();
      return (v >>> 1) ^ -(v & 1);
    }

    /** A count of items that take at least {@code minBytes} each: more than the bytes left could hold is refused. */
    private int count(int v, int minBytes, String what) throws Malformed {
      if (v > (end - pos) / minBytes) {
        throw bad(v + " " + what + ", more than the " + (end - pos) + " bytes left can hold");
      }
      return v;
    }

    /** A list size plus one, or 0 for null; -1 stands for null. */
    private int optCount(int minBytes, String what) throws Malformed {
      int v = uint();
      return v == 0 ? -1 : count(v - 1, minBytes, what);
    }

    private boolean bool() throws Malformed {
      if (pos >= end) {
        throw bad("the plan ends in the middle of a value");
      }
      int x = b[pos++];
      if (x != 0 && x != 1) {
        throw bad("a flag that is " + (x & 0xff) + ", not 0 or 1");
      }
      return x == 1;
    }

    private String str() throws Malformed {
      int k = uint();
      if (k == 0) {
        return null;
      }
      if (k > strings.length) {
        throw bad("string " + k + " out of range: the string table has " + strings.length);
      }
      return strings[k - 1];
    }

    private String requiredStr(String what) throws Malformed {
      String s = str();
      if (s == null) {
        throw bad("no " + what + " (null)");
      }
      return s;
    }

    private Long optLong() throws Malformed {
      return bool() ? sint() : null;
    }

    private List<String> strs(String name) throws Malformed {
      enter(name);
      int n = optCount(1, "strings");
      List<String> out = null;
      if (n >= 0) {
        String[] a = new String[n];
        for (int i = 0; i < n; i++) {
          index(i);
          a[i] = requiredStr("string in a list");
        }
        out = List.of(a);
      }
      leave();
      return out;
    }

    private List<PlanSelector> selectors(String name) throws Malformed {
      enter(name);
      int n = optCount(4, "selectors");
      List<PlanSelector> out = null;
      if (n >= 0) {
        PlanSelector[] a = new PlanSelector[n];
        for (int i = 0; i < n; i++) {
          index(i);
          int t = uint();
          if (t >= TARGETS.length) {
            throw bad("unknown selector target " + t);
          }
          a[i] = new PlanSelector(TARGETS[t], str(), str(), bool());
        }
        out = List.of(a);
      }
      leave();
      return out;
    }

    PlanData plan() throws Malformed {
      enter("strings");
      int n = count(uint(), 1, "strings");
      strings = new String[n];
      for (int i = 0; i < n; i++) {
        index(i);
        int len = count(uint(), 1, "bytes");
        strings[i] = utf8(pos, len);
        pos += len;
      }
      leave();

      enter("schema");
      int schemaLen = count(uint(), 1, "bytes");
      Schema schema;
      try {
        schema = PlanCodec.MAPPER.readerFor(Schema.class).readValue(b, pos, schemaLen);
      } catch (IOException e) {
        throw bad(BundleReader.describe(e));
      }
      if (schema == null) {
        throw bad("no schema (null)");
      }
      pos += schemaLen;
      leave();

      enter("intents");
      int ni = count(uint(), 6, "intents");
      PlanIntent[] intents = new PlanIntent[ni];
      for (int i = 0; i < ni; i++) {
        index(i);
        intents[i] = intent();
      }
      leave();

      enter("rules");
      int nr = count(uint(), 15, "rules");
      PlanRule[] rules = new PlanRule[nr];
      for (int i = 0; i < nr; i++) {
        index(i);
        rules[i] = rule();
      }
      leave();
      if (pos != end) {
        throw bad((end - pos) + " bytes after the end of the plan");
      }
      return new PlanData(schema, List.of(intents), List.of(rules));
    }

    private String utf8(int at, int len) throws Malformed {
      String s = new String(b, at, len, StandardCharsets.UTF_8);
      // The fast decoder replaces malformed input; only then is the strict one worth running
      // (a real U+FFFD in a string passes it).
      if (s.indexOf('\uFFFD') >= 0) {
        try {
          StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b, at, len));
        } catch (CharacterCodingException e) {
          throw bad("a string that is not valid UTF-8");
        }
      }
      return s;
    }

    private PlanIntent intent() throws Malformed {
      String name = str();
      String description = str();
      enter("params");
      int np = optCount(4, "parameters");
      List<PlanIntent.Param> params = null;
      if (np >= 0) {
        PlanIntent.Param[] a = new PlanIntent.Param[np];
        for (int i = 0; i < np; i++) {
          index(i);
          a[i] = new PlanIntent.Param(str(), bool(), str(), str());
        }
        params = List.of(a);
      }
      leave();
      enter("allows");
      int na = optCount(4, "allows");
      List<PlanIntent.Allow> allows = null;
      if (na >= 0) {
        PlanIntent.Allow[] a = new PlanIntent.Allow[na];
        for (int i = 0; i < na; i++) {
          index(i);
          List<String> actions = strs("actions");
          List<PlanSelector> on = selectors("on");
          enter("when");
          PlanExpr when = expr();
          leave();
          a[i] = new PlanIntent.Allow(actions, on, when, str());
        }
        allows = List.of(a);
      }
      leave();
      return new PlanIntent(name, description, params, allows, optLong(), bool());
    }

    private PlanRule rule() throws Malformed {
      long id = sint();
      if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
        throw bad("rule id " + id + " out of range");
      }
      String name = str();
      boolean forbid = bool();
      List<PlanSelector> principal = selectors("principal");
      List<String> actions = strs("actions");
      List<PlanSelector> resource = selectors("resource");
      List<String> intents = strs("intents");
      enter("conditions");
      int nc = optCount(4, "conditions");
      List<PlanRule.Condition> conditions = null;
      if (nc >= 0) {
        PlanRule.Condition[] a = new PlanRule.Condition[nc];
        for (int i = 0; i < nc; i++) {
          index(i);
          boolean unless = bool();
          enter("expr");
          PlanExpr e = expr();
          leave();
          a[i] = new PlanRule.Condition(unless, e, str(), str());
        }
        conditions = List.of(a);
      }
      leave();
      Long ttl = optLong();
      String standing = str();
      enter("approvals");
      int na = optCount(4, "approvals");
      List<PlanRule.Approval> approvals = null;
      if (na >= 0) {
        PlanRule.Approval[] a = new PlanRule.Approval[na];
        for (int i = 0; i < na; i++) {
          index(i);
          long count = sint();
          String from = str();
          enter("where");
          PlanExpr where = expr();
          leave();
          a[i] = new PlanRule.Approval(count, from, where, str());
        }
        approvals = List.of(a);
      }
      leave();
      PlanRule.Delegation delegation = null;
      enter("delegation");
      if (bool()) {
        boolean anyKind = bool();
        List<String> kinds = strs("kinds");
        if (kinds == null) {
          throw bad("no kinds (null)");
        }
        delegation = new PlanRule.Delegation(anyKind, kinds, sint());
      }
      leave();
      enter("obligations");
      int no = optCount(2, "obligations");
      List<PlanRule.ObligationDef> obligations = null;
      if (no >= 0) {
        PlanRule.ObligationDef[] a = new PlanRule.ObligationDef[no];
        for (int i = 0; i < no; i++) {
          index(i);
          a[i] = new PlanRule.ObligationDef(str(), str());
        }
        obligations = List.of(a);
      }
      leave();
      PlanRule.Meta meta = null;
      enter("meta");
      if (bool()) {
        meta = new PlanRule.Meta(str(), str(), strs("controls"), str());
      }
      leave();
      return new PlanRule((int) id, name, forbid, principal, actions, resource, intents, conditions, ttl, standing,
          approvals, delegation, obligations, meta, str());
    }

    /** The flat prefix-order nodes, rebuilt from the last to the first with an explicit stack. */
    private PlanExpr expr() throws Malformed {
      int n = count(uint(), MIN_NODE_BYTES, "expression nodes");
      if (n == 0) {
        return null;
      }
      if (n > ops.length) {
        int size = Math.max(n, ops.length * 2);
        ops = new int[size];
        strs = new String[size];
        nums = new long[size];
        argcs = new int[size];
        ats = new String[size];
        stack = new PlanExpr[size];
        depths = new int[size];
      }
      for (int i = 0; i < n; i++) {
        int op = uint();
        if (op >= OPS.length) {
          throw bad("unknown expression operator " + op + " at node " + i);
        }
        ops[i] = op;
        strs[i] = str();
        nums[i] = sint();
        argcs[i] = uint();
        ats[i] = str();
      }
      int sp = 0;
      for (int i = n - 1; i >= 0; i--) {
        int argc = argcs[i];
        if (argc > sp) {
          throw bad("expression node " + i + " has too few arguments");
        }
        int d = 1;
        List<PlanExpr> args;
        if (argc == 0) {
          args = List.of();
        } else {
          PlanExpr[] a = new PlanExpr[argc];
          for (int k = 0; k < argc; k++) {
            sp--;
            a[k] = stack[sp];
            stack[sp] = null;
            d = Math.max(d, depths[sp] + 1);
          }
          if (d > PlanCodec.MAX_EXPR_DEPTH) {
            throw bad("an expression that nests deeper than " + PlanCodec.MAX_EXPR_DEPTH + " levels");
          }
          // An immutable list, so that PlanExpr's List.copyOf keeps it instead of copying it again.
          args = List.of(a);
        }
        stack[sp] = new PlanExpr(OPS[ops[i]], strs[i], nums[i], args, ats[i]);
        depths[sp] = d;
        sp++;
      }
      if (sp != 1) {
        throw bad("expression nodes that do not form one tree");
      }
      PlanExpr e = stack[0];
      stack[0] = null;
      return e;
    }
  }
}
