package dev.writ.engine.bundle;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.writ.engine.digest.Sha256;
import dev.writ.engine.plan.PlanData;
import dev.writ.engine.plan.PlanExpr;
import dev.writ.language.vocab.Schema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The JSON forms of the manifest, the schema (inside every plan, and what the schema digest
 * covers) and the plan of bundle format version 2, which readers still load (version 3 stores
 * the plan in {@link BinaryPlanCodec}'s form). The plan records ({@link PlanData} and what it
 * holds, {@link Schema} included) are written as they are, one JSON object per record with its
 * component names as fields; only {@link PlanExpr} has a form of its own (see
 * {@link #MAX_EXPR_DEPTH}). Reading is strict: an unknown or missing field in the plan is an error,
 * since a reader must understand all of a plan to decide as its writer meant.
 */
final class PlanCodec {
  private PlanCodec() {}

  /**
   * Deepest expression a bundle may hold. Expressions are stored flat (one array per expression,
   * nodes in prefix order) so that neither Jackson nor this codec recurse over them; the limit
   * keeps a crafted bundle from overflowing the stack of the plan builder, which does recurse.
   * The parser's own limits keep real policies far below it ({@code &&} and {@code ||} chains are
   * n-ary, brackets nest at most 64 deep).
   */
  static final int MAX_EXPR_DEPTH = 512;

  /** JSON nesting allowed in a plan or manifest: real ones need about a dozen levels. */
  private static final int MAX_JSON_NESTING = 200;

  private static final PlanExpr.Op[] OPS = PlanExpr.Op.values();
  private static final java.util.Map<String, PlanExpr.Op> OP_NAMES = new java.util.HashMap<>();

  static {
    for (PlanExpr.Op op : OPS) {
      OP_NAMES.put(op.name(), op);
    }
  }

  static final JsonMapper MAPPER = mapper();
  private static final ObjectReader PLAN_READER = MAPPER.readerFor(PlanData.class);
  /** Manifest fields this version does not know are ignored: a writer may add informational ones. */
  private static final ObjectReader MANIFEST_READER = MAPPER.readerFor(BundleManifest.class)
      .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static JsonMapper mapper() {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_NESTING).build())
        .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
        .build();
    SimpleModule module = new SimpleModule("writ-bundle");
    module.addSerializer(PlanExpr.class, new ExprSerializer());
    module.addDeserializer(PlanExpr.class, new ExprDeserializer());
    module.addSerializer(Instant.class, new InstantSerializer());
    module.addDeserializer(Instant.class, new InstantDeserializer());
    // Fields only: a record's component fields are its state. Getters would add derived
    // properties such as Type.isDynamic() that no constructor takes back.
    return JsonMapper.builder(factory)
        .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
        .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .addModule(module)
        .build();
  }

  /** The plan as gzip'd JSON (format version 2), and the SHA-256 of the JSON before compression. */
  record Encoded(byte[] gzip, byte[] jsonDigest) {}

  static Encoded encodePlan(PlanData plan) {
    checkDepths(plan);
    MessageDigest sha = sha256();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes, 64 * 1024);
         OutputStream out = new DigestOutputStream(gzip, sha)) {
      MAPPER.writeValue(out, plan);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory streams: not reachable
    }
    return new Encoded(bytes.toByteArray(), sha.digest());
  }

  /** The plan JSON, uncompressed: the schema digest and the format tests use it. */
  static byte[] json(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Decodes the plan section of a version 2 bundle.
   *
   * @param maxJsonBytes  largest uncompressed plan accepted (a small gzip can inflate enormously)
   * @param jsonDigest    receives the SHA-256 of the uncompressed JSON
   * @throws IOException  on malformed gzip or JSON; {@link TooLarge} past {@code maxJsonBytes}
   */
  static PlanData decodePlan(byte[] data, int offset, int length, long maxJsonBytes, MessageDigest jsonDigest)
      throws IOException {
    try (InputStream in = new DigestInputStream(new Bounded(
        new GZIPInputStream(new java.io.ByteArrayInputStream(data, offset, length), 64 * 1024), maxJsonBytes),
        jsonDigest)) {
      PlanData plan = PLAN_READER.readValue(in);
      // Read to the end so the digest covers everything and gzip checks its CRC and length.
      if (in.read() != -1 || in.skip(Long.MAX_VALUE) > 0) {
        throw new IOException("data after the end of the plan");
      }
      return plan;
    }
  }

  static BundleManifest decodeManifest(byte[] data, int offset, int length) throws IOException {
    return MANIFEST_READER.readValue(data, offset, length);
  }

  /** {@code sha256:} and the lowercase hex of the digest: the form every digest in a manifest has. */
  static String digestString(byte[] digest) {
    return "sha256:" + HexFormat.of().formatHex(digest);
  }

  static String schemaDigest(Schema schema) {
    return digestString(sha256().digest(json(schema)));
  }

  static MessageDigest sha256() {
    return Sha256.newDigest();
  }

  /** More bytes than allowed after decompression. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long limit) {
      super("the plan is larger than " + limit + " bytes uncompressed", null);
    }
  }

  /** Stops reading past a limit, so that a decompression bomb costs at most the limit. */
  private static final class Bounded extends java.io.FilterInputStream {
    private final long limit;
    private long count;

    Bounded(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        add(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[8192];
      long total = 0;
      int r;
      while (total < n && (r = read(buf, 0, (int) Math.min(buf.length, n - total))) > 0) {
        total += r;
      }
      return total;
    }

    private void add(int n) throws TooLarge {
      count += n;
      if (count > limit) {
        throw new TooLarge(limit);
      }
    }
  }

  static void checkDepths(PlanData plan) {
    for (var r : plan.rules()) {
      r.conditions().forEach(c -> checkDepth(c.expr(), r.at()));
      r.approvals().forEach(a -> checkDepth(a.where(), r.at()));
    }
    for (var i : plan.intents()) {
      i.allows().forEach(a -> checkDepth(a.when(), i.name()));
    }
  }

  private static void checkDepth(PlanExpr e, String where) {
    if (e == null) {
      return;
    }
    // Iterative, like everything in this codec that walks an expression.
    ArrayDeque<PlanExpr> todo = new ArrayDeque<>();
    ArrayDeque<Integer> depths = new ArrayDeque<>();
    todo.push(e);
    depths.push(1);
    while (!todo.isEmpty()) {
      PlanExpr x = todo.pop();
      int d = depths.pop();
      if (d > MAX_EXPR_DEPTH) {
        throw new BundleException("an expression at " + where + " nests deeper than " + MAX_EXPR_DEPTH
            + " levels, more than a bundle can hold");
      }
      for (PlanExpr a : x.args()) {
        todo.push(a);
        depths.push(d + 1);
      }
    }
  }

  /**
   * An expression as one flat array, five values per node in prefix order:
   * {@code op, str, num, argument count, at}. Written without recursion.
   */
  private static final class ExprSerializer extends JsonSerializer<PlanExpr> {
    @Override
    public void serialize(PlanExpr e, JsonGenerator g, SerializerProvider p) throws IOException {
      g.writeStartArray();
      ArrayDeque<PlanExpr> todo = new ArrayDeque<>();
      todo.push(e);
      while (!todo.isEmpty()) {
        PlanExpr x = todo.pop();
        g.writeString(x.op().name());
        g.writeString(x.str());
        g.writeNumber(x.num());
        g.writeNumber(x.args().size());
        g.writeString(x.at());
        for (int i = x.args().size() - 1; i >= 0; i--) {
          todo.push(x.arg(i));
        }
      }
      g.writeEndArray();
    }
  }

  /** Reads the flat form back, from the last node to the first, with an explicit stack. */
  private static final class ExprDeserializer extends JsonDeserializer<PlanExpr> {
    @Override
    public PlanExpr deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        return ctx.reportInputMismatch(PlanExpr.class, "an expression must be an array");
      }
      List<PlanExpr.Op> ops = new ArrayList<>();
      List<String> strs = new ArrayList<>();
      long[] nums = new long[8];
      int[] argcs = new int[8];
      List<String> ats = new ArrayList<>();
      int n = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (n == nums.length) {
          nums = Arrays.copyOf(nums, n * 2);
          argcs = Arrays.copyOf(argcs, n * 2);
        }
        PlanExpr.Op op = p.currentToken() == JsonToken.VALUE_STRING ? OP_NAMES.get(p.getText()) : null;
        if (op == null) {
          return ctx.reportInputMismatch(PlanExpr.class, "unknown expression operator `%s`", p.getText());
        }
        ops.add(op);
        strs.add(string(p, ctx));
        nums[n] = integer(p, ctx);
        long argc = integer(p, ctx);
        if (argc < 0 || argc > Integer.MAX_VALUE) {
          return ctx.reportInputMismatch(PlanExpr.class, "bad argument count %d", argc);
        }
        argcs[n] = (int) argc;
        ats.add(string(p, ctx));
        n++;
      }
      if (n == 0) {
        return ctx.reportInputMismatch(PlanExpr.class, "empty expression");
      }
      ArrayList<PlanExpr> stack = new ArrayList<>();
      int[] depth = new int[n];
      int sp = 0;
      for (int i = n - 1; i >= 0; i--) {
        int argc = argcs[i];
        if (argc > sp) {
          return ctx.reportInputMismatch(PlanExpr.class, "expression node %d has too few arguments", i);
        }
        PlanExpr[] args = new PlanExpr[argc];
        int d = 1;
        for (int k = 0; k < argc; k++) {
          sp--;
          args[k] = stack.remove(sp);
          d = Math.max(d, depth[sp] + 1);
        }
        if (d > MAX_EXPR_DEPTH) {
          return ctx.reportInputMismatch(PlanExpr.class, "expression nests deeper than %d levels", MAX_EXPR_DEPTH);
        }
        // An immutable list, so that PlanExpr's List.copyOf keeps it instead of copying it again.
        stack.add(new PlanExpr(ops.get(i), strs.get(i), nums[i], argc == 0 ? List.of() : List.of(args), ats.get(i)));
        depth[sp] = d;
        sp++;
      }
      if (sp != 1) {
        return ctx.reportInputMismatch(PlanExpr.class, "expression nodes do not form one tree");
      }
      return stack.get(0);
    }

    private static String string(JsonParser p, DeserializationContext ctx) throws IOException {
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        return null;
      }
      if (t != JsonToken.VALUE_STRING) {
        return ctx.reportInputMismatch(PlanExpr.class, "expected a string or null in an expression, got %s", t);
      }
      return p.getText();
    }

    private static long integer(JsonParser p, DeserializationContext ctx) throws IOException {
      JsonToken t = p.nextToken();
      if (t != JsonToken.VALUE_NUMBER_INT) {
        return ctx.reportInputMismatch(PlanExpr.class, "expected an integer in an expression, got %s", t);
      }
      return p.getLongValue();
    }
  }

  private static final class InstantSerializer extends JsonSerializer<Instant> {
    @Override
    public void serialize(Instant value, JsonGenerator g, SerializerProvider p) throws IOException {
      g.writeString(value.toString());
    }
  }

  private static final class InstantDeserializer extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      try {
        return Instant.parse(p.getValueAsString(""));
      } catch (DateTimeParseException e) {
        return ctx.reportInputMismatch(Instant.class, "`%s` is not an ISO-8601 instant", p.getText());
      }
    }
  }
}
