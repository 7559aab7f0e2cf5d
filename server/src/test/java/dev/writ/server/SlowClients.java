package dev.writ.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A slow-client attack from one thread: connections that send the headers of a {@code POST} with
 * a {@code Content-Length} and then the body a few bytes per tick (or not at all). Bounded: it
 * stops by itself after {@code maxDuration}, and {@link #close()} closes every connection.
 * Records, per connection, whether and when the server closed it and what it answered.
 */
final class SlowClients implements AutoCloseable {
  static final Duration TICK = Duration.ofMillis(100);

  /** A group of connections that behave alike. */
  record Group(String name, int connections, int bytesPerTick, int contentLength) {}

  /** One connection of the attack; its fields are written by the attack thread only. */
  static final class Connection {
    final Group group;
    final SocketChannel channel;
    final StringBuilder answer = new StringBuilder();
    long sent;
    volatile boolean closedByServer;

    Connection(Group group, SocketChannel channel) {
      this.group = group;
      this.channel = channel;
    }

    synchronized String answer() {
      return answer.toString();
    }

    synchronized void answered(String text) {
      answer.append(text);
    }
  }

  private final Selector selector;
  private final List<Connection> connections = new ArrayList<>();
  private final Thread thread;
  private final long deadline;
  private volatile boolean stop;
  private volatile int ticks;

  SlowClients(URI server, Duration maxDuration, Group... groups) {
    try {
      selector = Selector.open();
      InetSocketAddress address = new InetSocketAddress(server.getHost(), server.getPort());
      for (Group g : groups) {
        byte[] head = ("POST /v1/decisions HTTP/1.1\r\nHost: " + server.getHost() + "\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + g.contentLength() + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < g.connections(); i++) {
          SocketChannel ch = SocketChannel.open(address);
          ch.configureBlocking(false);
          Connection c = new Connection(g, ch);
          ch.register(selector, SelectionKey.OP_READ, c);
          writeFully(ch, ByteBuffer.wrap(head));
          connections.add(c);
        }
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    }
    deadline = System.nanoTime() + maxDuration.toNanos();
    thread = new Thread(this::run, "slow-clients");
    thread.setDaemon(true);
    thread.start();
  }

  /** Ticks done so far (each sends every group's bytes once). */
  int ticks() {
    return ticks;
  }

  List<Connection> group(String name) {
    return connections.stream().filter(c -> c.group.name().equals(name)).toList();
  }

  private void run() {
    byte[] filler = new byte[64 * 1024];
    Arrays.fill(filler, (byte) ' ');
    ByteBuffer in = ByteBuffer.allocate(4096);
    long nextTick = System.nanoTime();
    try {
      while (!stop && System.nanoTime() < deadline) {
        long wait = TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime());
        if (wait > 0) {
          selector.select(wait);
        } else {
          selector.selectNow();
        }
        for (SelectionKey k : selector.selectedKeys()) {
          Connection c = (Connection) k.attachment();
          read(c, k, in);
        }
        selector.selectedKeys().clear();
        if (System.nanoTime() - nextTick >= 0) {
          for (Connection c : connections) {
            if (c.closedByServer || c.group.bytesPerTick() == 0) {
              continue;
            }
            int n = (int) Math.min(c.group.bytesPerTick(), c.group.contentLength() - c.sent);
            if (n <= 0) {
              continue;
            }
            try {
              c.sent += c.channel.write(ByteBuffer.wrap(filler, 0, n));
            } catch (IOException e) {
              c.closedByServer = true;
            }
          }
          ticks++;
          nextTick += TICK.toNanos();
        }
      }
    } catch (IOException | RuntimeException e) {
      // the attack ends; close() releases the connections
    }
  }

  private static void read(Connection c, SelectionKey k, ByteBuffer in) {
    try {
      in.clear();
      int n = c.channel.read(in);
      if (n < 0) {
        c.closedByServer = true;
        k.cancel();
      } else if (n > 0) {
        c.answered(new String(in.array(), 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (IOException e) {
      c.closedByServer = true;
      k.cancel();
    }
  }

  private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  @Override
  public void close() {
    stop = true;
    if (thread != null) {
      selector.wakeup();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Connection c : connections) {
      try {
        c.channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    try {
      if (selector != null) {
        selector.close();
      }
    } catch (IOException e) {
      // closing anyway
    }
  }
}
