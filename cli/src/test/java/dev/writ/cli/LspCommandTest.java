package dev.writ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code writ lsp} as an editor runs it: a separate process, JSON-RPC with Content-Length framing
 * on its standard input and output, written and read here byte by byte (no LSP library on this
 * side, so the wire format itself is tested).
 */
class LspCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String SCHEMA = """
      human Employee { department: String }
      resource Database { env: String }
      action "db:select" on Database
      """;

  private static final String BROKEN = """
      grant read {
        principal Employe
        action "db:select"
        resource Database
        when principal.department == "sre"
        ttl 1h
      }
      """;

  @TempDir
  Path dir;

  @Test
  void anEditorSessionOverThePipes() throws Exception {
    Path policies = Files.createDirectories(dir.resolve("src/main/policy"));
    Files.writeString(policies.resolve("schema.policy"), SCHEMA);
    Path rules = policies.resolve("rules.policy");
    Files.writeString(rules, BROKEN);
    String uri = rules.toUri().toString();

    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Writ.class.getName(), "lsp");
    Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectError(dir.resolve("stderr.txt").toFile()).start();
    try (Rpc rpc = new Rpc(process)) {
      ObjectNode init = JSON.createObjectNode();
      init.put("processId", ProcessHandle.current().pid());
      init.put("rootUri", dir.toUri().toString());
      init.putObject("capabilities");
      JsonNode caps = rpc.request("initialize", init).path("result").path("capabilities");
      assertTrue(caps.path("documentFormattingProvider").asBoolean(), caps.toString());
      assertEquals("utf-16", caps.path("positionEncoding").asText());
      rpc.notify("initialized", JSON.createObjectNode());

      // Open the file with its error: the diagnostic of `writ check`, on the right line.
      ObjectNode open = JSON.createObjectNode();
      ObjectNode doc = open.putObject("textDocument");
      doc.put("uri", uri).put("languageId", "writ-policy").put("version", 1).put("text", BROKEN);
      rpc.notify("textDocument/didOpen", open);
      JsonNode published = rpc.notification("textDocument/publishDiagnostics",
          p -> p.path("uri").asText().equals(uri) && p.path("diagnostics").size() > 0);
      JsonNode d = published.path("diagnostics").get(0);
      StringWriter checkOut = new StringWriter();
      Writ.run(new String[] {"check", policies.toString()}, new PrintWriter(checkOut), new PrintWriter(new StringWriter()));
      assertTrue(checkOut.toString().contains("rules.policy:2:13: error name.unknown-type: " + d.path("message").asText()),
          checkOut + " / " + d);
      assertEquals("name.unknown-type", d.path("code").asText());
      assertEquals(1, d.path("range").path("start").path("line").asInt());
      assertEquals(12, d.path("range").path("start").path("character").asInt());

      // Fix it: the diagnostics of the file are cleared.
      String fixed = BROKEN.replace("Employe\n", "Employee\n");
      ObjectNode change = JSON.createObjectNode();
      change.putObject("textDocument").put("uri", uri).put("version", 2);
      change.putArray("contentChanges").addObject().put("text", fixed);
      rpc.notify("textDocument/didChange", change);
      rpc.notification("textDocument/publishDiagnostics",
          p -> p.path("uri").asText().equals(uri) && p.path("diagnostics").isEmpty() && p.path("version").asInt() == 2);

      // Format: `writ fmt`'s output.
      String messy = fixed.replace("  ttl 1h\n", "      ttl   1h\n");
      ObjectNode change2 = JSON.createObjectNode();
      change2.putObject("textDocument").put("uri", uri).put("version", 3);
      change2.putArray("contentChanges").addObject().put("text", messy);
      rpc.notify("textDocument/didChange", change2);
      ObjectNode fmt = JSON.createObjectNode();
      fmt.putObject("textDocument").put("uri", uri);
      fmt.putObject("options").put("tabSize", 2).put("insertSpaces", true);
      JsonNode edits = rpc.request("textDocument/formatting", fmt).path("result");
      assertEquals(1, edits.size(), edits.toString());
      Files.writeString(dir.resolve("copy.policy"), messy);
      Writ.run(new String[] {"fmt", dir.resolve("copy.policy").toString()}, new PrintWriter(new StringWriter()),
          new PrintWriter(new StringWriter()));
      assertEquals(Files.readString(dir.resolve("copy.policy")), edits.get(0).path("newText").asText());

      // Definition of `Employee` in the rule: the schema's declaration.
      JsonNode def = rpc.request("textDocument/definition", position(uri, 1, 14)).path("result");
      assertEquals(policies.resolve("schema.policy").toUri().toString(), def.get(0).path("uri").asText(), def.toString());
      assertEquals(0, def.get(0).path("range").path("start").path("line").asInt());
      assertEquals(6, def.get(0).path("range").path("start").path("character").asInt());

      // Completion after `principal.`: the attributes of Employee.
      JsonNode items = rpc.request("textDocument/completion", position(uri, 4, 17)).path("result");
      List<String> labels = new ArrayList<>();
      items.forEach(i -> labels.add(i.path("label").asText()));
      assertEquals(List.of("department"), labels);

      assertTrue(rpc.request("shutdown", null).has("result"));
      rpc.notify("exit", null);
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "exited after `exit`");
      assertEquals(0, process.exitValue(), Files.readString(dir.resolve("stderr.txt")));
    } finally {
      process.destroyForcibly();
    }
  }

  private static ObjectNode position(String uri, int line, int character) {
    ObjectNode p = JSON.createObjectNode();
    p.putObject("textDocument").put("uri", uri);
    p.putObject("position").put("line", line).put("character", character);
    return p;
  }

  /** JSON-RPC 2.0 with the base protocol's header framing, over a process's pipes. */
  private static final class Rpc implements AutoCloseable {
    private final OutputStream out;
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final Thread reader;
    private int nextId = 1;

    Rpc(Process process) {
      this.out = process.getOutputStream();
      InputStream in = process.getInputStream();
      reader = new Thread(() -> {
        try {
          while (true) {
            received.add(JSON.readTree(frame(in)));
          }
        } catch (IOException | RuntimeException e) {
          // the stream ended
        }
      }, "lsp-test-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** One message: headers up to an empty line, then Content-Length bytes of UTF-8 JSON. */
    private static byte[] frame(InputStream in) throws IOException {
      int length = -1;
      while (true) {
        String header = headerLine(in);
        if (header.isEmpty()) {
          break;
        }
        if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(header.substring("content-length:".length()).trim());
        }
      }
      if (length < 0) {
        throw new IOException("a message without Content-Length");
      }
      byte[] body = in.readNBytes(length);
      if (body.length < length) {
        throw new IOException("end of stream inside a message");
      }
      return body;
    }

    private static String headerLine(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          byte[] b = line.toByteArray();
          int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
          return new String(b, 0, n, StandardCharsets.US_ASCII);
        }
        line.write(c);
      }
      throw new IOException("end of stream");
    }

    private void send(ObjectNode message) throws IOException {
      byte[] body = JSON.writeValueAsBytes(message);
      out.write(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
    }

    void notify(String method, JsonNode params) throws IOException {
      ObjectNode m = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method);
      if (params != null) {
        m.set("params", params);
      }
      send(m);
    }

    JsonNode request(String method, JsonNode params) throws Exception {
      int id = nextId++;
      ObjectNode m = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
      if (params != null) {
        m.set("params", params);
      }
      send(m);
      return await(n -> n.path("id").asInt(-1) == id && !n.has("method"), "the answer to " + method);
    }

    JsonNode notification(String method, Predicate<JsonNode> params) throws Exception {
      return await(n -> method.equals(n.path("method").asText()) && params.test(n.path("params")), method).path("params");
    }

    private JsonNode await(Predicate<JsonNode> match, String what) throws Exception {
      for (JsonNode n : seen) {
        if (match.test(n)) {
          seen.remove(n);
          return n;
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        JsonNode n = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (n == null) {
          break;
        }
        if (match.test(n)) {
          return n;
        }
        seen.add(n);
      }
      throw new AssertionError("no " + what + " within 60 s; received " + seen);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
