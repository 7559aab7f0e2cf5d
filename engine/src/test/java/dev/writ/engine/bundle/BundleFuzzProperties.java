package dev.writ.engine.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged bundles: whatever happens to the bytes, a reader either loads exactly the bundle that
 * was written or refuses with a {@link BundleException}; never another exception, never an Error,
 * never a different plan.
 */
class BundleFuzzProperties {
  private static final byte[] SIGNED = BundleRefusalTest.SIGNED;
  private static final byte[] UNSIGNED = BundleRefusalTest.UNSIGNED;
  private static final LoadedBundle ORIGINAL = BundleRefusalTest.OPEN.read(SIGNED, "original");
  private static final int SIG_AT = SIGNED.length - BundleFormat.ED25519_SIG_LEN;

  private enum Result { LOADED, REFUSED }

  /** Loaded identically, or refused cleanly; anything else fails the test. */
  private static Result check(BundleReader reader, byte[] bytes) {
    LoadedBundle b;
    try {
      b = reader.read(bytes, "fuzzed.wbundle");
    } catch (BundleException e) {
      assertTrue(e.getMessage().startsWith("`fuzzed.wbundle` ") && !e.getMessage().contains("\n"), e.getMessage());
      return Result.REFUSED;
    } catch (Throwable t) {
      fail("not a BundleException: " + t, t);
      return null;
    }
    assertEquals(ORIGINAL.plan(), b.plan());
    assertEquals(ORIGINAL.manifest(), b.manifest());
    return Result.LOADED;
  }

  @Test
  void everySingleByteChangeIsRefusedUnlessItIsInAnUncheckedSignature() {
    for (int at = 0; at < SIGNED.length; at++) {
      for (int xor : new int[] {0x01, 0x80, 0xff}) {
        byte[] b = SIGNED.clone();
        b[at] ^= (byte) xor;
        boolean inSignature = at >= SIG_AT;
        assertEquals(inSignature ? Result.LOADED : Result.REFUSED, check(BundleRefusalTest.OPEN, b), "byte " + at);
        assertEquals(Result.REFUSED, check(BundleRefusalTest.TRUSTING, b), "byte " + at);
      }
    }
  }

  @Test
  void everyTruncationIsRefused() {
    for (int len = 0; len < SIGNED.length; len++) {
      assertEquals(Result.REFUSED, check(BundleRefusalTest.OPEN, Arrays.copyOf(SIGNED, len)), "length " + len);
    }
  }

  @Test
  void randomByteChangesProperty() {
    qt().withExamples(3000)
        .forAll(integers().between(0, SIGNED.length - 1), integers().between(1, 255))
        .checkAssert((at, xor) -> {
          byte[] b = SIGNED.clone();
          b[at] ^= (byte) (int) xor;
          check(BundleRefusalTest.OPEN, b);
          assertEquals(Result.REFUSED, check(BundleRefusalTest.TRUSTING, b));
        });
  }

  /** Several changes at once: flips, cuts, deletions, insertions and random garbage. */
  @Test
  void randomDamageProperty() {
    qt().withExamples(3000).forAll(longs().all()).checkAssert(seed -> {
      Random r = new Random(seed);
      byte[] b = (r.nextBoolean() ? SIGNED : UNSIGNED).clone();
      int changes = 1 + r.nextInt(4);
      for (int i = 0; i < changes && b.length > 0; i++) {
        int at = r.nextInt(b.length);
        switch (r.nextInt(5)) {
          case 0 -> b[at] = (byte) r.nextInt(256);
          case 1 -> b = Arrays.copyOf(b, at);
          case 2 -> {
            int n = Math.min(b.length - at, 1 + r.nextInt(16));
            byte[] c = new byte[b.length - n];
            System.arraycopy(b, 0, c, 0, at);
            System.arraycopy(b, at + n, c, at, b.length - at - n);
            b = c;
          }
          case 3 -> {
            byte[] ins = new byte[1 + r.nextInt(16)];
            r.nextBytes(ins);
            byte[] c = new byte[b.length + ins.length];
            System.arraycopy(b, 0, c, 0, at);
            System.arraycopy(ins, 0, c, at, ins.length);
            System.arraycopy(b, at, c, at + ins.length, b.length - at);
            b = c;
          }
          default -> {
            b = new byte[r.nextInt(200)];
            r.nextBytes(b);
            if (r.nextBoolean() && b.length >= 10) {
              System.arraycopy(BundleFormat.MAGIC, 0, b, 0, 8);
              BundleFormat.putU16(b, BundleFormat.VERSION_AT, BundleFormat.VERSION);
            }
          }
        }
      }
      check(BundleRefusalTest.OPEN, b);
      check(BundleRefusalTest.TRUSTING, b);
    });
  }
}
