package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.util.BufferUtil;
import org.junit.jupiter.api.Test;

/**
 * {@link SparingEndPoint} over a real pair of loopback sockets, with a real selection key: a read
 * right after a write or after an empty read is skipped (0, no bytes taken), and the bytes that
 * arrived meanwhile are read as soon as the selector reports the socket, as Jetty's next read
 * does; an end of stream too. The peer's address is the socket's.
 */
class SparingEndPointTest {
  @Test
  void skippedReadsLoseNothing() throws IOException {
    try (ServerSocketChannel listener = ServerSocketChannel.open();
         Selector selector = Selector.open()) {
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
           SocketChannel accepted = listener.accept()) {
        accepted.configureBlocking(false);
        SelectionKey key = accepted.register(selector, SelectionKey.OP_READ);
        SparingEndPoint endPoint = new SparingEndPoint(accepted, null, key, null);
        ByteBuffer in = BufferUtil.allocate(64);

        send(client, "abc");
        awaitReadable(selector, endPoint);
        assertEquals(3, endPoint.fill(in));
        assertEquals(0, endPoint.fill(in)); // really asked: nothing there

        long skipped = SparingEndPoint.SKIPPED_READS.sum();
        send(client, "def");
        assertEquals(0, endPoint.fill(in), "a read right after an empty one is skipped");
        assertEquals(skipped + 1, SparingEndPoint.SKIPPED_READS.sum());
        awaitReadable(selector, endPoint);
        assertEquals(3, endPoint.fill(in));

        // An answer written by another thread than the reader's: the next read asks the kernel.
        assertTrue(endPoint.flush(ByteBuffer.wrap("answer".getBytes(StandardCharsets.US_ASCII))));
        ByteBuffer answer = ByteBuffer.allocate(6);
        while (answer.hasRemaining()) {
          client.read(answer);
        }
        assertEquals(0, endPoint.fill(in)); // really asked: nothing there yet
        send(client, "xy");
        awaitReadable(selector, endPoint);
        assertEquals(2, endPoint.fill(in));
        // An answer given on the thread that read its call (a direct route): the next read is skipped.
        endPoint.markAnsweringInline();
        assertTrue(endPoint.flush(ByteBuffer.wrap("answer".getBytes(StandardCharsets.US_ASCII))));
        answer.clear();
        while (answer.hasRemaining()) {
          client.read(answer);
        }
        send(client, "ghi");
        assertEquals(0, endPoint.fill(in), "a read right after an inline answer's write is skipped");
        awaitReadable(selector, endPoint);
        assertEquals(3, endPoint.fill(in));
        assertEquals("abcdefxyghi", BufferUtil.toString(in, StandardCharsets.US_ASCII));
        assertEquals(0, endPoint.fill(in)); // really asked: nothing there

        client.shutdownOutput();
        assertEquals(0, endPoint.fill(in), "skipped, although the stream has ended");
        awaitReadable(selector, endPoint);
        assertEquals(-1, endPoint.fill(in), "the end of the stream shows once the selector reports it");

        assertEquals(client.getLocalAddress(), endPoint.getRemoteSocketAddress());
        assertSame(endPoint.getRemoteSocketAddress(), endPoint.getRemoteSocketAddress());
      }
    }
  }

  private static void send(SocketChannel client, String text) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    while (b.hasRemaining()) {
      client.write(b);
    }
  }

  /** Waits until the selector reports the socket readable, then tells the end point, as Jetty's selector does. */
  private static void awaitReadable(Selector selector, SparingEndPoint endPoint) throws IOException {
    selector.selectedKeys().clear();
    assertTrue(selector.select(5_000) > 0, "the socket never became readable");
    endPoint.onSelected();
  }
}
