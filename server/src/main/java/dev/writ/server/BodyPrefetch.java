package dev.writ.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * Reads a call's body before the service sees it, without holding a thread while it arrives, and
 * cuts off a body that arrives too slowly.
 *
 * <p>Jetty calls a handler as soon as the headers are in; {@link Call} then reads the body with
 * blocking reads, so every upload in progress held a pool thread, and a few hundred slow uploads
 * left none for {@code /health}. Here the body is read with {@link Request#demand(Runnable)}: a
 * thread is used only while bytes are copied, and the next handler runs once the body is
 * complete, on a thread that may block. The next handler sees the same content it would have read
 * itself: at most {@code maxBody + 1} bytes are kept (enough for {@link Call} to tell that a body
 * is too large); the rest of a too-large body is read and dropped, up to {@link Call#DRAIN_LIMIT}
 * in all, so that the client sees the 413, and past that the content ends in a failure, as a
 * reader of the original would find it cut off. A body that declares more than the drain limit is
 * not read at all ({@link Call} refuses it at once).
 *
 * <p>A body slower than {@code minDataRate} bytes/s (counted from its first byte, checked each
 * time more of it is awaited), or one that stops arriving for the connector's idle timeout, is
 * answered 408 here; its connection is then closed, since its content was not consumed. The rate
 * is checked here because Jetty's own checks do not fit: {@code HttpConfiguration}'s minimum
 * request data rate is read only by its servlet layers, and {@code MinimumDataRateHandler}
 * (12.1) divides the bytes read by all requests together, so under load no single slow body
 * ever falls below the rate.
 */
final class BodyPrefetch extends Handler.Wrapper {
  private final long keep;
  private final long minDataRate;
  /** How long a body may lag behind the minimum rate before it is judged. */
  private static final double SLACK_SECONDS = 1.0;

  /** @param minDataRate the slowest a body may arrive, in bytes/s; 0 for no minimum */
  BodyPrefetch(Handler next, long maxBody, long minDataRate) {
    super(next);
    this.keep = maxBody + 1;
    this.minDataRate = minDataRate;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (request.getLength() > Call.DRAIN_LIMIT) {
      return super.handle(request, response, callback);
    }
    new Loading(request, response, callback).run();
    return true;
  }

  /**
   * One body being read; run again by Jetty whenever more content can be read. It never blocks
   * (it copies what has arrived, or answers 408 without waiting), so Jetty runs it on the thread
   * that read the content rather than handing it to another; the router hands on the calls that
   * may block.
   */
  private final class Loading implements Runnable, Invocable {
    private final Request request;
    private final Response response;
    private final Callback callback;
    /**
     * The kept bytes: the first chunk's copy alone (the usual body, one chunk of data and then
     * its end, is copied once and passed on as it is), and from a second chunk on, all of them.
     */
    private byte[] first;
    private ByteArrayOutputStream kept;
    private long total;
    private long firstByte;

    Loading(Request request, Response response, Callback callback) {
      this.request = request;
      this.response = response;
      this.callback = callback;
    }

    @Override
    public InvocationType getInvocationType() {
      return InvocationType.NON_BLOCKING;
    }

    @Override
    public void run() {
      while (true) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          if (tooSlow()) {
            Response.writeError(request, response, callback, HttpStatus.REQUEST_TIMEOUT_408, "the body arrived "
                + "slower than " + minDataRate + " bytes/s; the connection is closed");
            return;
          }
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          failed(chunk.getFailure());
          return;
        }
        boolean last = chunk.isLast();
        ByteBuffer bytes = chunk.getByteBuffer();
        int n = bytes.remaining();
        int room = (int) Math.min(n, keep - keptSize());
        if (room > 0 && last && total == 0) {
          // the whole body in one chunk (the usual case): one copy
          byte[] whole = new byte[room];
          bytes.get(whole);
          chunk.release();
          firstByte = System.nanoTime();
          total = n;
          next(whole, Content.Chunk.EOF);
          return;
        }
        if (room > 0) {
          byte[] copy = new byte[room];
          bytes.get(copy);
          keep(copy);
        }
        if (total == 0 && n > 0) {
          firstByte = System.nanoTime();
        }
        total += n;
        chunk.release();
        if (last) {
          next(Content.Chunk.EOF);
          return;
        }
        if (total > Call.DRAIN_LIMIT) {
          next(Content.Chunk.from(new IOException("the body is longer than " + Call.DRAIN_LIMIT
              + " bytes; the rest was not read"), true));
          return;
        }
      }
    }

    /**
     * Whether less has arrived than the minimum rate asks for by now, with one second of slack (a
     * client's first stall, TCP slow start or a busy machine, is not a slow upload). Before the
     * first byte the idle timeout is the bound; between checks, the idle timeout too (a check
     * runs whenever more arrives).
     */
    private boolean tooSlow() {
      if (minDataRate <= 0 || total == 0) {
        return false;
      }
      double seconds = (System.nanoTime() - firstByte) / 1e9 - SLACK_SECONDS;
      return seconds > 0 && total < minDataRate * seconds;
    }

    private void failed(Throwable failure) {
      if (failure instanceof TimeoutException) {
        // the connector's idle timeout, while waiting for more of the body
        Response.writeError(request, response, callback, HttpStatus.REQUEST_TIMEOUT_408,
            "the body stopped arriving (idle timeout); the connection is closed");
      } else {
        Response.writeError(request, response, callback, failure);
      }
    }

    private int keptSize() {
      return kept != null ? kept.size() : first != null ? first.length : 0;
    }

    private void keep(byte[] copy) {
      if (first == null && kept == null) {
        first = copy;
        return;
      }
      if (kept == null) {
        kept = new ByteArrayOutputStream(first.length + copy.length);
        kept.writeBytes(first);
        first = null;
      }
      kept.writeBytes(copy);
    }

    private void next(Content.Chunk end) {
      next(kept != null ? kept.toByteArray() : first != null ? first : new byte[0], end);
    }

    private void next(byte[] kept, Content.Chunk end) {
      Prefetched body = new Prefetched(request, kept, end);
      try {
        if (!getHandler().handle(body, response, callback)) {
          Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
        }
      } catch (Throwable t) {
        Response.writeError(request, response, callback, t);
      }
    }
  }

  /** Whether {@code request}'s body has been read into memory here (reading it will not block). */
  static boolean isPrefetched(Request request) {
    return Request.as(request, Prefetched.class) != null;
  }

  /** How many bytes of {@code request}'s body were read into memory here; -1 when it was not read here. */
  static int prefetchedLength(Request request) {
    Prefetched p = Request.as(request, Prefetched.class);
    return p == null ? -1 : p.length();
  }

  /**
   * The whole body of {@code request}, taken at once (a later read sees its end), when it was read
   * here and arrived complete; null otherwise (not read here, cut off, or failed), and then it is
   * to be read as content, where the failure shows.
   */
  static byte[] completeBody(Request request) {
    Prefetched p = Request.as(request, Prefetched.class);
    return p == null ? null : p.takeComplete();
  }

  /** The request as the next handler reads it: the kept bytes, then how the content ended. */
  private static final class Prefetched extends Request.Wrapper {
    private byte[] body;
    private final Content.Chunk end;

    Prefetched(Request request, byte[] body, Content.Chunk end) {
      super(request);
      this.body = body.length == 0 ? null : body;
      this.end = end;
    }

    int length() {
      byte[] b = body;
      return b == null ? 0 : b.length;
    }

    byte[] takeComplete() {
      if (end != Content.Chunk.EOF) {
        return null;
      }
      byte[] b = body == null ? new byte[0] : body;
      body = null;
      return b;
    }

    @Override
    public Content.Chunk read() {
      byte[] b = body;
      if (b != null) {
        body = null;
        return Content.Chunk.from(ByteBuffer.wrap(b), false);
      }
      return end;
    }

    /** Content is always available: the callback runs at once (on the context's executor, not on this stack). */
    @Override
    public void demand(Runnable demandCallback) {
      getContext().execute(demandCallback);
    }
  }
}
