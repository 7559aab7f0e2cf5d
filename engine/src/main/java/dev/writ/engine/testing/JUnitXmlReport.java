package dev.writ.engine.testing;

import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * One JUnit XML file per suite ({@code TEST-<suite>.xml}), in the shape Surefire writes, so that
 * Jenkins, GitLab and GitHub show policy tests next to the others.
 */
public final class JUnitXmlReport {
  private JUnitXmlReport() {}

  public static void writeAll(TestRun run, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (SuiteResult s : run.suites()) {
      write(s, dir);
    }
  }

  public static Path write(SuiteResult s, Path dir) throws IOException {
    String base = s.file().getFileName().toString().replaceAll("\\.ya?ml$", "");
    Path file = dir.resolve("TEST-policy." + base.replaceAll("[^A-Za-z0-9_.-]", "_") + ".xml");
    String className = "policy." + base;
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      XMLStreamWriter x = XMLOutputFactory.newInstance().createXMLStreamWriter(w);
      x.writeStartDocument("UTF-8", "1.0");
      x.writeCharacters("\n");
      x.writeStartElement("testsuite");
      x.writeAttribute("name", className);
      x.writeAttribute("tests", String.valueOf(s.cases().size() + (s.error().isPresent() ? 1 : 0)));
      x.writeAttribute("failures", String.valueOf(s.failed()));
      x.writeAttribute("errors", String.valueOf(s.errors()));
      x.writeAttribute("skipped", "0");
      x.writeAttribute("time", seconds(s.seconds()));
      x.writeAttribute("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", ""));
      x.writeAttribute("hostname", host());
      x.writeCharacters("\n");
      x.writeStartElement("properties");
      property(x, "policy.suite", s.name());
      property(x, "policy.file", s.file().toString());
      x.writeEndElement();
      x.writeCharacters("\n");
      if (s.error().isPresent()) {
        x.writeStartElement("testcase");
        x.writeAttribute("name", "(suite could not run)");
        x.writeAttribute("classname", className);
        x.writeAttribute("time", "0");
        x.writeStartElement("error");
        x.writeAttribute("message", firstLine(s.error().get()));
        x.writeAttribute("type", "PolicySuiteError");
        x.writeCharacters(s.error().get());
        x.writeEndElement();
        x.writeEndElement();
        x.writeCharacters("\n");
      }
      for (CaseResult c : s.cases()) {
        x.writeStartElement("testcase");
        x.writeAttribute("name", c.name());
        x.writeAttribute("classname", className);
        x.writeAttribute("time", seconds(c.seconds()));
        if (!c.passed()) {
          boolean failed = c.status() == CaseResult.Status.FAILED;
          x.writeStartElement(failed ? "failure" : "error");
          x.writeAttribute("message", c.failures().isEmpty() ? c.status().name().toLowerCase() : firstLine(c.failures().get(0)));
          x.writeAttribute("type", failed ? "PolicyAssertion" : "PolicyError");
          x.writeCharacters(String.join("\n", c.failures()) + "\nat " + c.location()
              + (c.explanation().isBlank() ? "" : "\n\nexplanation:\n" + c.explanation()));
          x.writeEndElement();
        }
        x.writeEndElement();
        x.writeCharacters("\n");
      }
      x.writeEndElement();
      x.writeEndDocument();
      x.close();
    } catch (XMLStreamException e) {
      throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
    x.writeEmptyElement("property");
    x.writeAttribute("name", name);
    x.writeAttribute("value", value);
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.3f", s);
  }

  private static String firstLine(String s) {
    return s.split("\n", 2)[0];
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
