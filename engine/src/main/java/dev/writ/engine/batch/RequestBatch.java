package dev.writ.engine.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.entity.EntityDataException;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.json.DecisionJson;
import dev.writ.engine.json.JsonText;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.RequestReader;
import dev.writ.engine.request.StreamingRequestReader;
import java.io.IOException;
import java.io.Writer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A JSON-lines batch of requests ({@code writ eval --requests}): one decision (or {@code {"error", "line"}}) per input
 * line, written to one token stream.
 *
 * <p>Lines are the text between line breaks as {@code \R} defines them ({@code \r\n}, {@code \n},
 * {@code \r}, {@code \u000B}, {@code \u000C}, U+0085, U+2028, U+2029), found by scanning the UTF-8
 * bytes; a final {@code \n} ends the last line rather than starting an empty one. A line of the
 * usual shape (no control character but tab, an object starting it and ending on it) is read by
 * one {@link JsonParser} over the whole input, which moves from one line's object to the next, so
 * a line costs neither a {@code String} nor a parser of its own. Any other line, and any line the
 * streaming reader gives up on, is decoded and read on its own, exactly as a single request is
 * (the streaming reader on the line's text, then the full reader, which binds it or names its
 * problem with the line number); the shared parser then starts afresh on the next line. Decisions
 * are written as text from pre-written fragments ({@link DecisionJson#write(Decision, JsonText)})
 * into one large buffer.
 */
public final class RequestBatch {
  private static final JsonFactory FACTORY = DataDocument.JSON.getFactory();
  private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final char[] ERROR = JsonText.fragment("{\"error\":");
  private static final char[] LINE = JsonText.fragment(",\"line\":");

  private final StreamingRequestReader fast;
  private final RequestReader full;
  private final Function<AccessRequest, Decision> decide;

  /** @param decide decides one request (an unknown entity and the like throw {@link BadRequestException}) */
  public RequestBatch(RequestReader full, Function<AccessRequest, Decision> decide) {
    this(full, EntityStore.empty(), decide);
  }

  /**
   * @param store the store {@code decide} decides against: the reader takes the uids it holds from it
   *              ({@link EntityStore#uid}) rather than parsing each line's principal and resource
   */
  public RequestBatch(RequestReader full, EntityStore store, Function<AccessRequest, Decision> decide) {
    this.full = full;
    this.fast = new StreamingRequestReader(store);
    this.decide = decide;
  }

  /**
   * Decides every line of {@code input} (UTF-8) and writes one JSON line per input line to
   * {@code out}. {@code name} names the input in error messages ({@code name:line}).
   *
   * @return whether every line was a valid request
   */
  public boolean run(String name, byte[] input, Writer out) throws IOException {
    boolean failed = false;
    int len = input.length;
    boolean finalNewline = len > 0 && input[len - 1] == '\n';
    char[] separator = JsonText.fragment(System.lineSeparator());
    JsonParser shared = null; // positioned after the previous line's object, or null: start afresh
    long origin = 0; // the input offset of the shared parser's offset 0
    JsonText g = new JsonText(out);
    try {
      int start = 0;
      int number = 0;
      while (start < len || !finalNewline || number == 0) {
        number++;
        // The line is input[start, end); the next one starts at `next` (-1: this is the last line).
        int end = start;
        int next = -1;
        boolean plain = true; // no control character but tab
        while (end < len) {
          // Eight bytes at a time while all are printable ASCII (no break, no control character):
          // a byte below 0x20 borrows into its high bit, a byte from 0x80 has it.
          while (end + 8 <= len) {
            long w = (long) WORDS.get(input, end);
            if ((((w - 0x2020202020202020L) | w) & 0x8080808080808080L) != 0) {
              break;
            }
            end += 8;
          }
          if (end == len) {
            break;
          }
          int b = input[end] & 0xFF;
          if (b >= 0x20) {
            if (b == 0xC2 && end + 1 < len && (input[end + 1] & 0xFF) == 0x85) {
              next = end + 2;
              break;
            }
            if (b == 0xE2 && end + 2 < len && (input[end + 1] & 0xFF) == 0x80
                && ((input[end + 2] & 0xFF) == 0xA8 || (input[end + 2] & 0xFF) == 0xA9)) {
              next = end + 3;
              break;
            }
          } else if (b == '\r') {
            next = end + 1 < len && input[end + 1] == '\n' ? end + 2 : end + 1;
            break;
          } else if (b >= '\n' && b <= '\f') {
            next = end + 1;
            break;
          } else if (b != '\t') {
            plain = false;
          }
          end++;
        }
        AccessRequest streamed = null;
        if (plain) {
          int brace = skipBlanks(input, start, end);
          if (brace < end && input[brace] == '{') {
            if (shared == null) {
              shared = FACTORY.createParser(input, brace, len - brace);
              origin = brace - shared.currentLocation().getByteOffset();
            }
            AccessRequest r = fast.read(shared);
            if (r != null) {
              long after = origin + shared.currentLocation().getByteOffset();
              if (after <= end && skipBlanks(input, (int) after, end) == end) {
                streamed = r;
              }
            }
          }
        }
        if (streamed == null && shared != null) {
          shared.close();
          shared = null;
        }
        try {
          AccessRequest request = streamed != null ? streamed
              : single(name, number, new String(input, start, end - start, StandardCharsets.UTF_8));
          DecisionJson.write(decide.apply(request), g);
        } catch (DataException | BadRequestException | EntityDataException e) {
          failed = true;
          g.raw(ERROR);
          g.string(e.getMessage());
          g.raw(LINE);
          g.number(number);
          g.raw('}');
        }
        g.raw(separator);
        if (next < 0) {
          break;
        }
        start = next;
      }
    } finally {
      g.flush(); // what was written, also when a decision failed unexpectedly (as the generator's close did)
      if (shared != null) {
        shared.close();
      }
    }
    return !failed;
  }

  /** A line read on its own, as a single request is: the streaming reader, else the full one. */
  private AccessRequest single(String name, int number, String line) {
    AccessRequest request = fast.tryRead(line);
    if (request != null) {
      return request;
    }
    DataNode node = DataNode.root(DataDocument.parse(name + ":" + number, line, false));
    if (node.isMissing()) {
      throw new DataException(name + ":" + number, "empty line; expected a request");
    }
    return full.request(node);
  }

  /** The first index in {@code [from, to)} that is not a space or tab, or {@code to}. */
  private static int skipBlanks(byte[] input, int from, int to) {
    int i = from;
    while (i < to && (input[i] == ' ' || input[i] == '\t')) {
      i++;
    }
    return i;
  }
}
