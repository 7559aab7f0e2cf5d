package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reading the TLS files: the kinds of key cert-manager and SPIFFE issue are read; every file that
 * cannot be used is refused with a message that names it and says what is wrong (and, for keys in
 * another format, how to convert them).
 */
class TlsFilesTest {
  static TestPki.Ca ca;
  static TestPki.Issued ec;
  static TestPki.Issued rsa;

  @TempDir
  Path dir;

  @BeforeAll
  static void pki() {
    ca = TestPki.ca("Writ Test CA");
    ec = ca.server(TestPki.KeyType.EC);
    rsa = ca.server(TestPki.KeyType.RSA);
  }

  @ParameterizedTest
  @EnumSource(TestPki.KeyType.class)
  void readsAChainAndAPkcs8KeyOfEachKind(TestPki.KeyType type) throws Exception {
    TestPki.Issued server = ca.server(type);
    TlsFiles.Material m = TlsFiles.load(files(server.certificatePem(), server.keyPem(), null));
    assertEquals(server.chain(), m.chain());
    assertEquals(List.of(), m.clientCas());
    assertTrue(m.trustStore().isEmpty());
    KeyStore ks = m.keyStore();
    String alias = ks.aliases().nextElement();
    assertEquals(server.certificate(), ks.getCertificate(alias));
    assertEquals(2, ks.getCertificateChain(alias).length);
    assertEquals(server.key(), ks.getKey(alias, TlsFiles.KEY_STORE_PASSWORD.toCharArray()));
  }

  @Test
  void readsAClientCaBundle() throws Exception {
    TestPki.Ca other = TestPki.ca("Other CA");
    TlsFiles.Material m = TlsFiles.load(files(ec.certificatePem(), ec.keyPem(),
        TestPki.pem(List.of(ca.certificate(), other.certificate()))));
    assertEquals(List.of(ca.certificate(), other.certificate()), m.clientCas());
    KeyStore trust = m.trustStore().orElseThrow();
    assertEquals(2, trust.size());
    for (String alias : java.util.Collections.list(trust.aliases())) {
      assertTrue(trust.isCertificateEntry(alias), alias);
    }
  }

  @Test
  void theKeyFileMayAlsoHoldTheCertificates() throws Exception {
    // Some tools write one PEM with the chain and the key; the blocks that are not keys are ignored.
    TlsFiles.Material m = TlsFiles.load(files(ec.certificatePem(), ec.certificatePem() + ec.keyPem(), null));
    assertEquals(ec.key(), m.key());
  }

  @Test
  void missingFiles() throws Exception {
    ServerConfig.Tls tls = files(ec.certificatePem(), ec.keyPem(), null);
    ServerConfig.Tls noCa = new ServerConfig.Tls(tls.certificate(), tls.key(), Optional.of(dir.resolve("nope.pem")));
    refused(noCa, dir.resolve("nope.pem"), "client CA file", "does not exist");
    Files.delete(tls.certificate());
    refused(tls, tls.certificate(), "certificate file", "does not exist");
  }

  @Test
  void emptyAndHalfWrittenFiles() throws Exception {
    ServerConfig.Tls emptyKey = files(ec.certificatePem(), "", null);
    refused(emptyKey, emptyKey.key(), "is empty");

    String chain = ec.certificatePem();
    ServerConfig.Tls cutInTheLast = files(chain.substring(0, chain.length() - 200), ec.keyPem(), null);
    refused(cutInTheLast, cutInTheLast.certificate(), "on line ", "has no END line", "is the file complete?");

    // The first certificate cut off, the next one whole: the cut one runs into the next BEGIN.
    String first = TestPki.pem(List.of(ec.certificate()));
    String cut = first.substring(0, first.indexOf("-----END"));
    ServerConfig.Tls cutInTheFirst = files(cut + TestPki.pem(List.of(ca.certificate())), ec.keyPem(), null);
    refused(cutInTheFirst, cutInTheFirst.certificate(), "`CERTIFICATE` on line 1 has no END line");

    String key = ec.keyPem();
    ServerConfig.Tls halfKey = files(ec.certificatePem(), key.substring(0, key.length() / 2), null);
    refused(halfKey, halfKey.key(), "`PRIVATE KEY` on line 1 has no END line");
  }

  @Test
  void notPemOrNotACertificate() throws Exception {
    ServerConfig.Tls der = files("", ec.keyPem(), null);
    Files.write(der.certificate(), ec.certificate().getEncoded());
    refused(der, der.certificate(), "is not PEM", "openssl x509 -inform der");

    ServerConfig.Tls badBase64 = files("-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n",
        ec.keyPem(), null);
    refused(badBase64, badBase64.certificate(), "not valid base64");

    String junk = Base64.getEncoder().encodeToString("this is no certificate".getBytes());
    ServerConfig.Tls notX509 = files("-----BEGIN CERTIFICATE-----\n" + junk + "\n-----END CERTIFICATE-----\n",
        ec.keyPem(), null);
    refused(notX509, notX509.certificate(), "the certificate on line 1 is not a valid X.509 certificate");

    ServerConfig.Tls keyAsCertificate = files(ec.keyPem(), ec.keyPem(), null);
    refused(keyAsCertificate, keyAsCertificate.certificate(), "holds no PEM certificate", "`PRIVATE KEY`");

    ServerConfig.Tls certificateAsKey = files(ec.certificatePem(), ec.certificatePem(), null);
    refused(certificateAsKey, certificateAsKey.key(), "holds no PEM private key", "`CERTIFICATE`");

    ServerConfig.Tls mismatchedLabels = files(ec.certificatePem(),
        ec.keyPem().replace("-----END PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"), null);
    refused(mismatchedLabels, mismatchedLabels.key(), "ends with -----END RSA PRIVATE KEY-----");
  }

  @Test
  void keysInOtherFormatsAreRefusedWithTheCommandThatConvertsThem() throws Exception {
    ServerConfig.Tls sec1 = files(ec.certificatePem(), ec.traditionalKeyPem(), null);
    assertTrue(ec.traditionalKeyPem().contains("-----BEGIN EC PRIVATE KEY-----"), ec.traditionalKeyPem());
    refused(sec1, sec1.key(), "SEC1 EC key", "openssl pkcs8 -topk8 -nocrypt -in " + sec1.key());

    ServerConfig.Tls pkcs1 = files(rsa.certificatePem(), rsa.traditionalKeyPem(), null);
    assertTrue(rsa.traditionalKeyPem().contains("-----BEGIN RSA PRIVATE KEY-----"), rsa.traditionalKeyPem());
    refused(pkcs1, pkcs1.key(), "PKCS#1 RSA key", "openssl pkcs8 -topk8 -nocrypt -in " + pkcs1.key());

    ServerConfig.Tls encrypted = files(ec.certificatePem(), encrypted(ec), null);
    refused(encrypted, encrypted.key(), "encrypted key", "openssl pkcs8 -topk8 -nocrypt");

    ServerConfig.Tls legacyEncrypted = files(ec.certificatePem(), "-----BEGIN EC PRIVATE KEY-----\n"
        + "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n"
        + "-----END EC PRIVATE KEY-----\n", null);
    refused(legacyEncrypted, legacyEncrypted.key(), "encrypted key", "openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
    TestPki.Issued otherEc = ca.server(TestPki.KeyType.EC);
    ServerConfig.Tls sameKind = files(ec.certificatePem(), otherEc.keyPem(), null);
    refused(sameKind, sameKind.key(), "does not hold the private key of the first certificate in "
        + sameKind.certificate(), "not a pair");

    ServerConfig.Tls otherKind = files(ec.certificatePem(), rsa.keyPem(), null);
    refused(otherKind, otherKind.key(), "holds an RSA key, but the certificate in " + otherKind.certificate()
        + " is for an EC key");

    // The server's certificate must come first: the CA's first is refused (the key is not the CA's).
    List<X509Certificate> reversed = List.of(ca.certificate(), ec.certificate());
    ServerConfig.Tls wrongOrder = files(TestPki.pem(reversed), ec.keyPem(), null);
    refused(wrongOrder, wrongOrder.key(), "does not hold the private key of the first certificate");

    ServerConfig.Tls twoKeys = files(ec.certificatePem(), ec.keyPem() + otherEc.keyPem(), null);
    refused(twoKeys, twoKeys.key(), "holds 2 private keys");
  }

  private void refused(ServerConfig.Tls tls, Path file, String... phrases) {
    TlsFiles.InvalidTlsFile e = assertThrows(TlsFiles.InvalidTlsFile.class, () -> TlsFiles.load(tls));
    String m = e.getMessage();
    assertTrue(m.contains(file.toString()), "names the file: " + m);
    for (String p : phrases) {
      assertTrue(m.contains(p), "says `" + p + "`: " + m);
    }
    assertFalse(m.contains("\n"), "one line: " + m);
  }

  private int n;

  /** Writes the files (a fresh set each time); {@code ca} null: no client CA. */
  private ServerConfig.Tls files(String cert, String key, String ca) throws IOException {
    n++;
    Path c = Files.writeString(dir.resolve("tls" + n + ".crt"), cert);
    Path k = Files.writeString(dir.resolve("tls" + n + ".key"), key);
    Optional<Path> a = ca == null ? Optional.empty()
        : Optional.of(Files.writeString(dir.resolve("ca" + n + ".pem"), ca));
    return new ServerConfig.Tls(c, k, a);
  }

  /** The key as encrypted PKCS#8 ({@code BEGIN ENCRYPTED PRIVATE KEY}), as {@code openssl pkcs8 -topk8} writes it. */
  private static String encrypted(TestPki.Issued issued) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(new JcaPKCS8Generator(issued.key(), new JceOpenSSLPKCS8EncryptorBuilder(
          JcaPKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider()).setPassword("secret".toCharArray())
          .build()).generate());
    } catch (OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
    String pem = out.toString();
    assertTrue(pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"), pem);
    return pem;
  }
}
