package dev.writ.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the service's TLS files, PEM as cert-manager and SPIFFE issue them: a certificate chain
 * (the server's certificate first), an unencrypted PKCS#8 private key (RSA, EC or Ed25519) and,
 * for mutual TLS, a bundle of client CA certificates. Everything is checked before it is used (the
 * key must belong to the first certificate), so that a bad or half-written file is refused with a
 * message naming the file and what is wrong, and never reaches Jetty. JDK only: PKCS#1 and SEC1
 * keys ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}) would need an ASN.1 parser,
 * so they are refused with the command that converts them.
 */
final class TlsFiles {
  /**
   * The in-memory key store's password. It protects nothing (the store never leaves memory);
   * Jetty's key manager needs one to read the key back.
   */
  static final String KEY_STORE_PASSWORD = "writ-in-memory";

  private static final String KEY_ALIAS = "writ";

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END ([A-Z0-9 ]+)-----", Pattern.DOTALL);
  private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");

  private TlsFiles() {}

  /** A TLS file that cannot be used; the message names the file and says what is wrong. */
  static final class InvalidTlsFile extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidTlsFile(String message) {
      super(message);
    }
  }

  /**
   * What the files hold, checked.
   *
   * @param chain     the server's certificate chain, its own certificate first
   * @param key       the private key of {@code chain.get(0)}
   * @param clientCas the CAs client certificates must chain to; empty when no client certificate is asked for
   */
  record Material(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> clientCas) {
    Material {
      chain = List.copyOf(chain);
      clientCas = List.copyOf(clientCas);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("a certificate chain has at least one certificate");
      }
    }

    X509Certificate certificate() {
      return chain.get(0);
    }

    /** A fresh in-memory key store with the key and its chain (Jetty keeps the one it is given). */
    KeyStore keyStore() {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(KEY_ALIAS, key, KEY_STORE_PASSWORD.toCharArray(), chain.toArray(new X509Certificate[0]));
        return ks;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot build an in-memory key store: " + e.getMessage(), e);
      }
    }

    /** A fresh in-memory trust store of the client CAs, or empty when none are configured. */
    Optional<KeyStore> trustStore() {
      if (clientCas.isEmpty()) {
        return Optional.empty();
      }
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < clientCas.size(); i++) {
          ks.setCertificateEntry("client-ca-" + (i + 1), clientCas.get(i));
        }
        return Optional.of(ks);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot build an in-memory trust store: " + e.getMessage(), e);
      }
    }

    /** The server certificate in a few words, for the log. */
    String describe() {
      X509Certificate c = certificate();
      return "certificate " + c.getSubjectX500Principal().getName() + " (serial " + c.getSerialNumber().toString(16)
          + ", valid until " + c.getNotAfter().toInstant() + ")";
    }
  }

  /** Reads and checks the files. */
  static Material load(ServerConfig.Tls tls) throws InvalidTlsFile {
    List<X509Certificate> chain = certificates(tls.certificate(), "certificate file");
    PrivateKey key = privateKey(tls.key(), chain.get(0), tls.certificate());
    List<X509Certificate> cas = tls.clientCa().isPresent()
        ? certificates(tls.clientCa().get(), "client CA file")
        : List.of();
    return new Material(chain, key, cas);
  }

  /** A PEM block: its label ({@code CERTIFICATE}), its decoded content and the line it starts on. */
  private record Block(String label, byte[] der, int line) {}

  private static List<X509Certificate> certificates(Path file, String what) throws InvalidTlsFile {
    List<Block> blocks = blocks(file, what);
    List<X509Certificate> certs = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("X.509 is missing from this JDK", e);
    }
    for (Block b : blocks) {
      if (!b.label().equals("CERTIFICATE")) {
        continue;
      }
      try {
        certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
      } catch (CertificateException | RuntimeException e) {
        throw new InvalidTlsFile(what + " " + file + ": the certificate on line " + b.line()
            + " is not a valid X.509 certificate (" + e.getMessage() + ")");
      }
    }
    if (certs.isEmpty()) {
      throw new InvalidTlsFile(what + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
          + found(blocks));
    }
    return certs;
  }

  private static PrivateKey privateKey(Path file, X509Certificate certificate, Path certificateFile)
      throws InvalidTlsFile {
    List<Block> blocks = blocks(file, "key file");
    List<Block> keys = blocks.stream().filter(b -> b.label().equals("PRIVATE KEY")).toList();
    if (keys.size() > 1) {
      throw new InvalidTlsFile("key file " + file + " holds " + keys.size() + " private keys; give the one of "
          + certificateFile);
    }
    if (keys.isEmpty()) {
      for (Block b : blocks) {
        String convert = "; convert it to PKCS#8 (-----BEGIN PRIVATE KEY-----) with `openssl pkcs8 -topk8 -nocrypt -in "
            + file + " -out key.pem`";
        switch (b.label()) {
          case "RSA PRIVATE KEY" -> throw new InvalidTlsFile("key file " + file
              + " holds a PKCS#1 RSA key (-----BEGIN RSA PRIVATE KEY-----), which writ does not read" + convert);
          case "EC PRIVATE KEY" -> throw new InvalidTlsFile("key file " + file
              + " holds a SEC1 EC key (-----BEGIN EC PRIVATE KEY-----), which writ does not read" + convert);
          case "ENCRYPTED PRIVATE KEY" -> throw new InvalidTlsFile("key file " + file
              + " holds an encrypted key; writ reads unencrypted PKCS#8 keys" + convert);
          default -> {
            // not a key; look further
          }
        }
      }
      throw new InvalidTlsFile("key file " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)"
          + found(blocks));
    }
    Block block = keys.get(0);
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(block.der());
    String certAlgorithm = certificate.getPublicKey().getAlgorithm();
    PrivateKey key;
    try {
      key = KeyFactory.getInstance(certAlgorithm).generatePrivate(spec);
    } catch (GeneralSecurityException | RuntimeException e) {
      String actual = keyAlgorithm(spec);
      throw new InvalidTlsFile(actual == null
          ? "key file " + file + ": the key on line " + block.line() + " is not a readable PKCS#8 private key ("
              + e.getMessage() + ")"
          : "key file " + file + " holds " + article(actual) + " key, but the certificate in " + certificateFile
              + " is for " + article(certAlgorithm) + " key: they are not a pair");
    }
    if (!matches(key, certificate, file)) {
      throw new InvalidTlsFile("key file " + file + " does not hold the private key of the first certificate in "
          + certificateFile + " (" + certificate.getSubjectX500Principal().getName()
          + "): they are not a pair (a rotation half done?)");
    }
    return key;
  }

  /** Which of the key types TLS uses reads this PKCS#8 key, or null if none does. */
  private static String keyAlgorithm(PKCS8EncodedKeySpec spec) {
    for (String algorithm : new String[] {"RSA", "EC", "EdDSA", "RSASSA-PSS"}) {
      try {
        KeyFactory.getInstance(algorithm).generatePrivate(spec);
        return algorithm;
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this one
      }
    }
    return null;
  }

  private static String article(String algorithm) {
    return (algorithm.startsWith("RSA") || algorithm.startsWith("EC") || algorithm.startsWith("Ed") ? "an " : "a ")
        + algorithm;
  }

  /** Whether the key signs what the certificate's public key verifies: the only proof they are a pair. */
  private static boolean matches(PrivateKey key, X509Certificate certificate, Path file) throws InvalidTlsFile {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
      default -> throw new InvalidTlsFile("key file " + file + " holds " + article(key.getAlgorithm())
          + " key; writ serves RSA, EC and Ed25519 certificates");
    };
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** The PEM blocks of a file, decoded; a truncated block or bad base64 is an error (a half-written file). */
  private static List<Block> blocks(Path file, String what) throws InvalidTlsFile {
    String text = new String(read(file, what), StandardCharsets.ISO_8859_1);
    if (text.isBlank()) {
      throw new InvalidTlsFile(what + " " + file + " is empty");
    }
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    int end = 0;
    while (m.find()) {
      int line = lineOf(text, m.start());
      Matcher inner = BEGIN.matcher(m.group(2));
      if (inner.find()) {
        // a BEGIN inside a block: the block before it was cut off
        throw new InvalidTlsFile(what + " " + file + ": the PEM block `" + m.group(1) + "` on line " + line
            + " has no END line (-----END " + m.group(1) + "-----); is the file complete?");
      }
      if (!m.group(1).equals(m.group(3))) {
        throw new InvalidTlsFile(what + " " + file + ": the PEM block `" + m.group(1) + "` on line " + line
            + " ends with -----END " + m.group(3) + "-----");
      }
      String body = m.group(2);
      if (body.contains(":")) {
        throw new InvalidTlsFile(what + " " + file + ": the PEM block `" + m.group(1) + "` on line " + line
            + " has headers (Proc-Type, DEK-Info): an encrypted key; writ reads unencrypted PKCS#8 keys; convert it "
            + "with `openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem`");
      }
      byte[] der;
      try {
        der = Base64.getDecoder().decode(body.replaceAll("\\s+", ""));
      } catch (IllegalArgumentException e) {
        throw new InvalidTlsFile(what + " " + file + ": the PEM block `" + m.group(1) + "` on line " + line
            + " is not valid base64 (" + e.getMessage() + ")");
      }
      if (der.length == 0) {
        throw new InvalidTlsFile(what + " " + file + ": the PEM block `" + m.group(1) + "` on line " + line
            + " is empty");
      }
      blocks.add(new Block(m.group(1), der, line));
      end = m.end();
    }
    Matcher rest = BEGIN.matcher(text);
    if (rest.find(end)) {
      throw new InvalidTlsFile(what + " " + file + ": the PEM block `" + rest.group(1) + "` on line "
          + lineOf(text, rest.start()) + " has no END line (-----END " + rest.group(1)
          + "-----); is the file complete?");
    }
    if (blocks.isEmpty()) {
      throw new InvalidTlsFile(what + " " + file + " is not PEM (no -----BEGIN ...----- line); a DER file can be "
          + "converted with `openssl x509 -inform der` (certificates) or `openssl pkcs8 -topk8 -nocrypt -inform der` "
          + "(keys)");
    }
    return blocks;
  }

  private static byte[] read(Path file, String what) throws InvalidTlsFile {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidTlsFile(what + " " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new InvalidTlsFile(what + " " + file + " cannot be read (permission denied)");
    } catch (IOException e) {
      throw new InvalidTlsFile("cannot read the " + what + " " + file + ": " + e.getMessage());
    }
  }

  private static int lineOf(String text, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static String found(List<Block> blocks) {
    return "; it holds: " + String.join(", ", blocks.stream().map(b -> "`" + b.label() + "`").distinct().toList());
  }
}
