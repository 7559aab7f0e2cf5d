package dev.writ.server;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A clear-text connection's socket that skips the reads that cannot find anything (and asks the
 * channel for the peer's address once).
 *
 * <p>For each call on a keep-alive connection Jetty made five system calls: the selector's wait,
 * the read of the request, the write of the answer, then a read of the next request (it has not
 * been sent: the caller is still reading the answer), and, when that found nothing, a second read
 * at once (Jetty retries an empty read, for TLS). Both last reads fail with {@code EAGAIN}, and
 * Jetty then asks the selector to wait for the socket. Here a read returns "nothing yet" (0)
 * without asking the kernel when it cannot be useful: right after the write of an answer given on
 * the thread that read its call (a direct route), or right after a read that found nothing, with
 * no readiness reported by the selector in between.
 *
 * <p>Why this loses nothing: 0 is always a valid answer of {@link #fill} ("nothing to read now"),
 * and whoever gets it registers interest in reading; the JDK's selector is level-triggered, so if
 * bytes did arrive meanwhile (a pipelining client) the wait returns at once, {@link #onSelected}
 * clears the state here and the next read asks the kernel. An end of stream shows up the same way.
 * A write between two reads of a pipelining client costs one selector round, no more.
 *
 * <p>Only for clear-text connections: under TLS the network reads follow the handshake's own
 * logic, left to Jetty as it is.
 */
final class SparingEndPoint extends SocketChannelEndPoint {
  /** Reads answered 0 here without a system call, over all connections (for tests and profiles). */
  static final LongAdder SKIPPED_READS = new LongAdder();

  /**
   * Whether a read now would only find nothing: set after a write and after an empty read,
   * cleared when the selector reports the socket ready or a read finds bytes. Volatile: the
   * selector's thread and the thread handling the connection may differ.
   */
  private volatile boolean drained;
  /** The peer's address once asked (null before, and when the channel could not tell). */
  private volatile SocketAddress remote;

  SparingEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
    super(channel, selector, key, scheduler);
  }

  @Override
  public int fill(ByteBuffer buffer) throws IOException {
    if (drained && !isInputShutdown()) {
      SKIPPED_READS.increment();
      return 0;
    }
    int filled = super.fill(buffer);
    drained = filled == 0;
    return filled;
  }

  /**
   * Set by the router when it answers a call on the thread that read it (a direct route): that
   * thread goes straight back to reading, so a read right after the answer's write can only find
   * nothing. An answer written on another thread (the pool's, the group commit's) leaves the
   * next read to the kernel: there Jetty's reader comes back later, and a skipped read would
   * cost a selector round trip per call (a wake-up write and two interest changes) instead.
   */
  private volatile boolean answeringInline;

  /** Marks the call being answered as read and answered on this thread (see {@link #answeringInline}). */
  static void answeringInline(org.eclipse.jetty.server.Request request) {
    if (request.getConnectionMetaData().getConnection().getEndPoint() instanceof SparingEndPoint e) {
      e.markAnsweringInline();
    }
  }

  void markAnsweringInline() {
    answeringInline = true;
  }

  @Override
  public boolean flush(ByteBuffer... buffers) throws IOException {
    boolean done = super.flush(buffers);
    if (answeringInline) {
      answeringInline = false;
      drained = true;
    }
    return done;
  }

  /**
   * The peer's address, asked of the channel once: the channel takes a lock on every call, and the
   * router asks on every call (the caller's {@code ip}); a connected socket's peer never changes.
   */
  @Override
  public SocketAddress getRemoteSocketAddress() {
    SocketAddress a = remote;
    if (a == null) {
      a = super.getRemoteSocketAddress();
      remote = a;
    }
    return a;
  }

  @Override
  public Runnable onSelected() {
    drained = false;
    return super.onSelected();
  }
}
