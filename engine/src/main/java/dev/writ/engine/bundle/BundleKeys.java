package dev.writ.engine.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECKey;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Ed25519 keys for signing bundles, with the JDK's own provider: generation, PEM files, and
 * reading private keys (PKCS#8) and public keys (X.509 SubjectPublicKeyInfo) as PEM or DER.
 * Every problem with a key file is a {@link BundleException} that says what the file holds
 * instead and, where there is one, how to convert it.
 */
public final class BundleKeys {
  private BundleKeys() {}

  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";
  /** Algorithms tried only to tell the user what a rejected key is. */
  private static final List<String> OTHER_ALGORITHMS = List.of("RSA", "EC", "Ed448", "X25519", "X448", "DSA");

  /** A new Ed25519 key pair. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no Ed25519 (Java 15 or later has)", e);
    }
  }

  /**
   * Writes the private key (PKCS#8 PEM, readable by its owner only where the file system has
   * POSIX permissions) and the public key (X.509 PEM). Refuses to replace an existing file, so a
   * signing key is never overwritten by accident.
   */
  public static void writePem(KeyPair pair, Path privateKeyFile, Path publicKeyFile) {
    requireEd25519(pair.getPrivate(), privateKeyFile.toString());
    requireEd25519(pair.getPublic(), publicKeyFile.toString());
    for (Path p : List.of(privateKeyFile, publicKeyFile)) {
      if (Files.exists(p)) {
        throw BundleException.of(p.toString(), "already exists; not replacing a key file");
      }
    }
    create(privateKeyFile, pem(pair.getPrivate()), true);
    create(publicKeyFile, pem(pair.getPublic()), false);
  }

  private static void create(Path file, String text, boolean secret) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(file, new byte[0], StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      if (secret) {
        try {
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: its default permissions apply
        }
      }
      Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (FileAlreadyExistsException e) {
      throw BundleException.of(file.toString(), "already exists; not replacing a key file");
    } catch (IOException e) {
      throw BundleException.of(file.toString(), "cannot be written: " + reason(e));
    }
  }

  /** The PEM text of a key: {@code PRIVATE KEY} (PKCS#8) or {@code PUBLIC KEY} (X.509). */
  public static String pem(Key key) {
    String label = key instanceof PrivateKey ? PRIVATE : PUBLIC;
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /** An Ed25519 private key from a PKCS#8 file, PEM ({@code BEGIN PRIVATE KEY}) or DER. */
  public static PrivateKey readPrivateKey(Path file) {
    return privateKey(read(file), file.toString());
  }

  /** An Ed25519 public key from an X.509 SubjectPublicKeyInfo file, PEM ({@code BEGIN PUBLIC KEY}) or DER. */
  public static PublicKey readPublicKey(Path file) {
    return publicKey(read(file), file.toString());
  }

  /** @param name the file name, for messages */
  public static PrivateKey privateKey(byte[] content, String name) {
    byte[] der = der(content, name, PRIVATE);
    return decode(der, name, "a PKCS#8 private key", PKCS8EncodedKeySpec::new,
        (f, spec) -> f.generatePrivate(spec));
  }

  /** @param name the file name, for messages */
  public static PublicKey publicKey(byte[] content, String name) {
    byte[] der = der(content, name, PUBLIC);
    return decode(der, name, "an X.509 public key", X509EncodedKeySpec::new,
        (f, spec) -> f.generatePublic(spec));
  }

  private interface Generate<K> {
    K apply(KeyFactory f, KeySpec spec) throws GeneralSecurityException;
  }

  private static <K extends Key> K decode(byte[] der, String name, String what, Function<byte[], KeySpec> spec,
                                          Generate<K> generate) {
    K key;
    try {
      key = generate.apply(KeyFactory.getInstance("Ed25519"), spec.apply(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      String other = otherAlgorithm(der, spec, generate);
      throw BundleException.of(name, other != null
          ? "holds " + article(other) + " key; bundles are signed with Ed25519 keys"
              + " (make one with `openssl genpkey -algorithm ed25519`)"
          : "is not " + what + " (expected Ed25519, PEM or DER)");
    }
    requireEd25519(key, name);
    return key;
  }

  /** The algorithm of a well-formed key that is not Ed25519, or null: only to say what it is. */
  private static String otherAlgorithm(byte[] der, Function<byte[], KeySpec> spec, Generate<?> generate) {
    for (String alg : OTHER_ALGORITHMS) {
      try {
        generate.apply(KeyFactory.getInstance(alg), spec.apply(der));
        return alg;
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this one either
      }
    }
    return null;
  }

  private static String article(String alg) {
    // as spoken: an RSA, an EC, an Ed448, an X25519, a DSA
    return (alg.startsWith("E") || alg.startsWith("X") || alg.startsWith("R") ? "an " : "a ") + alg;
  }

  /** Refuses any key but Ed25519 (an EdDSA key may also be Ed448). */
  static void requireEd25519(Key key, String name) {
    if (!(key instanceof EdECKey ed) || !"Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
      String alg = key instanceof EdECKey ed ? ed.getParams().getName() : key.getAlgorithm();
      throw BundleException.of(name, "is " + article(alg) + " key; bundles are signed with Ed25519 keys");
    }
  }

  private static byte[] read(Path file) {
    try {
      if (Files.size(file) > 64 * 1024) {
        throw BundleException.of(file.toString(), "is too large to be a key file");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw BundleException.of(file.toString(), "cannot be read: " + reason(e));
    }
  }

  /** The DER bytes: the PEM block's body when the file is PEM, else the file as it is. */
  private static byte[] der(byte[] content, String name, String wanted) {
    String text = new String(content, StandardCharsets.ISO_8859_1);
    int begin = text.indexOf("-----BEGIN ");
    if (begin < 0) {
      if (content.length == 0 || content[0] != 0x30) { // DER starts with a SEQUENCE
        throw BundleException.of(name, "is neither a PEM nor a DER " + (wanted.equals(PRIVATE)
            ? "PKCS#8 private key" : "X.509 public key"));
      }
      return content;
    }
    int labelEnd = text.indexOf("-----", begin + 11);
    if (labelEnd < 0) {
      throw BundleException.of(name, "has a broken PEM header");
    }
    String label = text.substring(begin + 11, labelEnd);
    if (!label.equals(wanted)) {
      throw BundleException.of(name, mislabelled(label, wanted));
    }
    String end = "-----END " + label + "-----";
    int bodyStart = labelEnd + 5;
    int endAt = text.indexOf(end, bodyStart);
    if (endAt < 0) {
      throw BundleException.of(name, "has no `" + end + "` line: the PEM block is cut short");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(bodyStart, endAt).strip());
    } catch (IllegalArgumentException e) {
      throw BundleException.of(name, "has a PEM block that is not valid base64");
    }
  }

  private static String mislabelled(String label, String wanted) {
    if (wanted.equals(PRIVATE)) {
      return switch (label) {
        case PUBLIC -> "holds a public key where a private key is expected";
        case "ENCRYPTED PRIVATE KEY" -> "holds an encrypted private key; give an unencrypted PKCS#8 key"
            + " (`openssl pkcs8 -in KEY -out PLAIN.pem`) and protect the file instead";
        case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY" -> "holds " + article(label.split(" ")[0])
            + " private key; bundles are signed with Ed25519 keys in PKCS#8 form";
        case "OPENSSH PRIVATE KEY" -> "holds an OpenSSH private key; give a PKCS#8 Ed25519 key"
            + " (`openssl genpkey -algorithm ed25519 -out KEY.pem`)";
        default -> "holds a `" + label + "` PEM block, not a PKCS#8 private key";
      };
    }
    return switch (label) {
      case PRIVATE, "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY" ->
          "holds a private key where a public key is expected; never hand out the private key,"
              + " give its public key (`openssl pkey -in KEY -pubout`)";
      case "CERTIFICATE" -> "holds a certificate; give its public key (`openssl x509 -in CERT -pubkey -noout`)";
      default -> "holds a `" + label + "` PEM block, not an X.509 public key";
    };
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
