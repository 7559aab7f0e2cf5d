package dev.writ.engine.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key generation, PEM and DER reading, and what is said about files that are not Ed25519 keys. */
class BundleKeysTest {
  private static byte[] resource(String name) throws IOException {
    try (var in = BundleKeysTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  private static byte[] sign(PrivateKey key) {
    return new BundleWriter("1", Optional.of(key)).write(BundleRefusalTest.PLAN, new TreeMap<>(Map.of()));
  }

  private static String refusedKey(Runnable read, String expected) {
    BundleException e = assertThrows(BundleException.class, read::run);
    assertTrue(e.getMessage().contains(expected), () -> "expected `" + expected + "` in: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("`"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void generatedKeysWrittenAsPemSignAndVerify(@TempDir Path tmp) throws IOException {
    KeyPair pair = BundleKeys.generate();
    Path priv = tmp.resolve("keys/writ-signing.pem");
    Path pub = tmp.resolve("keys/writ-signing.pub.pem");
    BundleKeys.writePem(pair, priv, pub);
    assertTrue(Files.readString(priv).startsWith("-----BEGIN PRIVATE KEY-----\n"));
    assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----\n"));
    if (Files.getFileStore(priv).supportsFileAttributeView("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)));
    }
    PrivateKey readPriv = BundleKeys.readPrivateKey(priv);
    PublicKey readPub = BundleKeys.readPublicKey(pub);
    assertArrayEquals(pair.getPrivate().getEncoded(), readPriv.getEncoded());
    assertArrayEquals(pair.getPublic().getEncoded(), readPub.getEncoded());

    LoadedBundle b = new BundleReader(Optional.of(readPub)).read(sign(readPriv), "signed.wbundle");
    assertTrue(b.signed());
    assertTrue(b.verified());
    assertEquals(BundleRefusalTest.PLAN, b.plan());

    // Never replaces a key file.
    refusedKey(() -> BundleKeys.writePem(BundleKeys.generate(), priv, tmp.resolve("other.pub")), "already exists");
    assertArrayEquals(pair.getPrivate().getEncoded(), BundleKeys.readPrivateKey(priv).getEncoded());
    assertTrue(Files.notExists(tmp.resolve("other.pub")), "nothing written when refusing");
  }

  @Test
  void derKeysRead(@TempDir Path tmp) throws IOException {
    KeyPair pair = BundleKeys.generate();
    Path priv = Files.write(tmp.resolve("k.der"), pair.getPrivate().getEncoded());
    Path pub = Files.write(tmp.resolve("k.pub.der"), pair.getPublic().getEncoded());
    assertArrayEquals(pair.getPrivate().getEncoded(), BundleKeys.readPrivateKey(priv).getEncoded());
    assertArrayEquals(pair.getPublic().getEncoded(), BundleKeys.readPublicKey(pub).getEncoded());
  }

  @Test
  void opensslKeysReadAsPemAndDer() throws IOException {
    PrivateKey pemPriv = BundleKeys.privateKey(resource("openssl-ed25519.pem"), "openssl-ed25519.pem");
    PrivateKey derPriv = BundleKeys.privateKey(resource("openssl-ed25519.der"), "openssl-ed25519.der");
    PublicKey pemPub = BundleKeys.publicKey(resource("openssl-ed25519.pub.pem"), "openssl-ed25519.pub.pem");
    PublicKey derPub = BundleKeys.publicKey(resource("openssl-ed25519.pub.der"), "openssl-ed25519.pub.der");
    assertArrayEquals(pemPriv.getEncoded(), derPriv.getEncoded());
    assertArrayEquals(pemPub.getEncoded(), derPub.getEncoded());
    assertTrue(new BundleReader(Optional.of(derPub)).read(sign(pemPriv), "x").verified());
    // CRLF line ends and text around the block, as some tools write them.
    String crlf = "comment line\r\n" + new String(resource("openssl-ed25519.pem"), StandardCharsets.US_ASCII)
        .replace("\n", "\r\n") + "trailer\r\n";
    assertArrayEquals(pemPriv.getEncoded(),
        BundleKeys.privateKey(crlf.getBytes(StandardCharsets.US_ASCII), "crlf.pem").getEncoded());
    assertEquals(new String(resource("openssl-ed25519.pub.pem"), StandardCharsets.US_ASCII), BundleKeys.pem(pemPub));
  }

  @Test
  void wrongKindsOfKeyAreNamed() throws Exception {
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
    KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
    byte[] rsaPem = BundleKeys.pem(rsa.getPrivate()).getBytes(StandardCharsets.US_ASCII);
    refusedKey(() -> BundleKeys.privateKey(rsaPem, "rsa.pem"), "holds an RSA key; bundles are signed with Ed25519");
    refusedKey(() -> BundleKeys.privateKey(ec.getPrivate().getEncoded(), "ec.der"), "holds an EC key");
    refusedKey(() -> BundleKeys.privateKey(ed448.getPrivate().getEncoded(), "ed448.der"), "Ed448");
    refusedKey(() -> BundleKeys.publicKey(rsa.getPublic().getEncoded(), "rsa.pub"), "holds an RSA key");
    refusedKey(() -> BundleKeys.publicKey(ed448.getPublic().getEncoded(), "ed448.pub"), "Ed448");
    refusedKey(() -> new BundleWriter("1", Optional.of(rsa.getPrivate())), "bundles are signed with Ed25519");
  }

  @Test
  void privateAndPublicMixedUp() throws IOException {
    KeyPair pair = BundleKeys.generate();
    byte[] privPem = BundleKeys.pem(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII);
    byte[] pubPem = BundleKeys.pem(pair.getPublic()).getBytes(StandardCharsets.US_ASCII);
    refusedKey(() -> BundleKeys.publicKey(privPem, "k.pem"), "holds a private key where a public key is expected");
    refusedKey(() -> BundleKeys.privateKey(pubPem, "k.pub"), "holds a public key where a private key is expected");
    refusedKey(() -> BundleKeys.publicKey(pair.getPrivate().getEncoded(), "k.der"), "is not an X.509 public key");
    refusedKey(() -> BundleKeys.privateKey(pair.getPublic().getEncoded(), "k.pub.der"), "is not a PKCS#8 private key");
  }

  private static byte[] block(String label, String body) {
    return ("-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void otherFilesAreNotKeys() {
    String someBase64 = Base64.getEncoder().encodeToString(new byte[48]);
    refusedKey(() -> BundleKeys.privateKey(block("ENCRYPTED PRIVATE KEY", someBase64), "enc.pem"),
        "holds an encrypted private key");
    refusedKey(() -> BundleKeys.privateKey(block("RSA PRIVATE KEY", someBase64), "pkcs1.pem"),
        "holds an RSA private key; bundles are signed with Ed25519 keys in PKCS#8 form");
    refusedKey(() -> BundleKeys.privateKey(block("EC PRIVATE KEY", someBase64), "sec1.pem"), "holds an EC private key");
    refusedKey(() -> BundleKeys.privateKey(block("OPENSSH PRIVATE KEY", someBase64), "id_ed25519"),
        "holds an OpenSSH private key");
    refusedKey(() -> BundleKeys.publicKey(block("CERTIFICATE", someBase64), "cert.pem"), "holds a certificate");
    refusedKey(() -> BundleKeys.privateKey(block("PRIVATE KEY", "!!not base64!!"), "bad.pem"), "not valid base64");
    refusedKey(() -> BundleKeys.privateKey(block("PRIVATE KEY", someBase64), "zeros.pem"), "is not a PKCS#8 private key");
    refusedKey(() -> BundleKeys.privateKey("-----BEGIN PRIVATE KEY-----\nMC4C".getBytes(StandardCharsets.US_ASCII),
        "cut.pem"), "the PEM block is cut short");
    refusedKey(() -> BundleKeys.privateKey("hello".getBytes(StandardCharsets.US_ASCII), "hello.txt"),
        "is neither a PEM nor a DER PKCS#8 private key");
    refusedKey(() -> BundleKeys.publicKey(new byte[0], "empty"), "is neither a PEM nor a DER X.509 public key");
    refusedKey(() -> BundleKeys.publicKey(new byte[] {0x30, 0x03, 0x01}, "junk.der"), "is not an X.509 public key");
  }

  @Test
  void unreadableKeyFiles(@TempDir Path tmp) throws IOException {
    refusedKey(() -> BundleKeys.readPrivateKey(tmp.resolve("missing.pem")), "cannot be read: no such file");
    Path big = Files.write(tmp.resolve("big.pem"), new byte[100_000]);
    refusedKey(() -> BundleKeys.readPublicKey(big), "is too large to be a key file");
  }
}
