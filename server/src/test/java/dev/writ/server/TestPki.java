package dev.writ.server;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small PKI for the TLS tests, made fresh by each test (BouncyCastle builds the certificates;
 * the JDK makes the keys and reads the certificates back): CAs, server certificates for
 * {@code localhost} and {@code 127.0.0.1}, client certificates; PEM files as cert-manager writes
 * them; and client-side SSL contexts.
 */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  enum KeyType { RSA, EC, ED25519 }

  /** A certificate with its key; {@code chain} is the certificate and its issuers, itself first. */
  record Issued(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {
    Issued {
      chain = List.copyOf(chain);
    }

    String certificatePem() {
      return pem(chain);
    }

    /** The key as PKCS#8 ({@code BEGIN PRIVATE KEY}), as cert-manager and SPIFFE write it. */
    String keyPem() {
      return block("PRIVATE KEY", key.getEncoded());
    }

    /** The key in OpenSSL's traditional form: PKCS#1 for RSA, SEC1 for EC. */
    String traditionalKeyPem() {
      StringWriter out = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(out)) {
        w.writeObject(key);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toString();
    }
  }

  /** A certificate authority that issues server and client certificates. */
  static final class Ca {
    final String name;
    final Issued self;

    private Ca(String name) {
      this.name = name;
      KeyPair keys = keys(KeyType.EC);
      X500Name subject = new X500Name("CN=" + name);
      X509Certificate cert = build(subject, keys, subject, keys.getPrivate(), b -> {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      });
      self = new Issued(cert, keys.getPrivate(), List.of(cert));
    }

    X509Certificate certificate() {
      return self.certificate();
    }

    /** A server certificate for {@code localhost} and {@code 127.0.0.1}. */
    Issued server(KeyType type) {
      KeyPair keys = keys(type);
      X509Certificate cert = build(new X500Name("CN=localhost"), keys, new X500Name("CN=" + name), self.key(), b -> {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(type == KeyType.RSA
            ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature));
      });
      return new Issued(cert, keys.getPrivate(), List.of(cert, self.certificate()));
    }

    /** A client certificate for a workload, with a SPIFFE id. */
    Issued client(String workload) {
      KeyPair keys = keys(KeyType.EC);
      X509Certificate cert = build(new X500Name("CN=" + workload), keys, new X500Name("CN=" + name), self.key(), b -> {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
            new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://writ.test/" + workload)));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      });
      return new Issued(cert, keys.getPrivate(), List.of(cert, self.certificate()));
    }
  }

  private TestPki() {}

  static Ca ca(String name) {
    return new Ca(name);
  }

  @FunctionalInterface
  private interface Extensions {
    void add(X509v3CertificateBuilder b) throws IOException;
  }

  private static X509Certificate build(X500Name subject, KeyPair keys, X500Name issuer, PrivateKey issuerKey,
                                       Extensions extensions) {
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
    try {
      extensions.add(b);
      String algorithm = switch (issuerKey.getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC" -> "SHA256withECDSA";
        default -> "Ed25519";
      };
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm)
          .build(issuerKey)));
    } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keys(KeyType type) {
    try {
      return switch (type) {
        case RSA -> {
          KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
          g.initialize(2048);
          yield g.generateKeyPair();
        }
        case EC -> {
          KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
          g.initialize(new ECGenParameterSpec("secp256r1"));
          yield g.generateKeyPair();
        }
        case ED25519 -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(List<X509Certificate> certs) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : certs) {
      try {
        out.append(block("CERTIFICATE", c.getEncoded()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return out.toString();
  }

  private static String block(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + label + "-----\n";
  }

  /** Replaces a file the way a secret is updated: written beside it, then renamed over it. */
  static void replace(Path file, String content) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A client's TLS context: trusts {@code trusted}, presents {@code identity} (or nothing). A new
   * one for each connection that must not resume an earlier session.
   */
  static SSLContext client(List<X509Certificate> trusted, Issued identity) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (int i = 0; i < trusted.size(); i++) {
        trust.setCertificateEntry("ca-" + i, trusted.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManager[] km = null;
      if (identity != null) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("me", identity.key(), "pw".toCharArray(), identity.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
        km = kmf.getKeyManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(km, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static SSLContext client(X509Certificate trusted) {
    return client(List.of(trusted), null);
  }

  /**
   * Does a TLS handshake with the server (checking its name as HTTPS does) and returns the
   * certificate chain it served.
   */
  static List<X509Certificate> handshake(URI server, SSLContext ctx) throws IOException {
    try (SSLSocket socket = open(server, ctx)) {
      socket.startHandshake();
      List<X509Certificate> chain = new ArrayList<>();
      for (java.security.cert.Certificate c : socket.getSession().getPeerCertificates()) {
        chain.add((X509Certificate) c);
      }
      return chain;
    }
  }

  static SSLSocket open(URI server, SSLContext ctx) throws IOException {
    Socket plain = new Socket(server.getHost(), server.getPort());
    plain.setSoTimeout(10_000);
    SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket(plain, server.getHost(), server.getPort(), true);
    SSLParameters p = socket.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(p);
    return socket;
  }
}
