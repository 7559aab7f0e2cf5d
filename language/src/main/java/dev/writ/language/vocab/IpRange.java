package dev.writ.language.vocab;

/** IPv4 and IPv6 literals and CIDR ranges, parsed without any name resolution: one definition for the checker (literal arguments of `cidr`) and the evaluator. */
public final class IpRange {
  private IpRange() {}

  /** The bytes of a literal address, or null when it is not one. */
  public static byte[] address(String s) {
    if (s.indexOf(':') >= 0) {
      return ipv6(s);
    }
    return ipv4(s);
  }

  private static byte[] ipv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] ipv6(String s) {
    // An IPv4 tail (`::ffff:10.1.2.3`, RFC 4291 §2.2) stands for the last two groups.
    int lastColon = s.lastIndexOf(':');
    if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
      byte[] v4 = ipv4(s.substring(lastColon + 1));
      if (v4 == null) {
        return null;
      }
      String hex = Integer.toHexString(((v4[0] & 0xff) << 8) | (v4[1] & 0xff)) + ":"
          + Integer.toHexString(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
      String head = s.substring(0, lastColon + 1);
      return ipv6(head + hex);
    }
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      return null;
    }
    String head = dbl >= 0 ? s.substring(0, dbl) : s;
    String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
    java.util.List<Integer> h = groups(head);
    java.util.List<Integer> t = groups(tail);
    if (h == null || t == null) {
      return null;
    }
    int total = h.size() + t.size();
    if ((dbl < 0 && total != 8) || (dbl >= 0 && total > 7)) {
      return null;
    }
    byte[] out = new byte[16];
    for (int i = 0; i < h.size(); i++) {
      out[2 * i] = (byte) (h.get(i) >> 8);
      out[2 * i + 1] = (byte) (int) h.get(i);
    }
    for (int i = 0; i < t.size(); i++) {
      int idx = 8 - t.size() + i;
      out[2 * idx] = (byte) (t.get(i) >> 8);
      out[2 * idx + 1] = (byte) (int) t.get(i);
    }
    return out;
  }

  private static java.util.List<Integer> groups(String s) {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    if (s.isEmpty()) {
      return out;
    }
    for (String g : s.split(":", -1)) {
      if (g.isEmpty() || g.length() > 4 || !g.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        return null;
      }
      out.add(Integer.parseInt(g, 16));
    }
    return out;
  }

  /** A parsed range, or null when malformed. */
  public record Range(byte[] network, int bits) {
    public boolean contains(byte[] addr) {
      if (addr.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (addr[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (addr[full] & mask) == (network[full] & mask);
    }
  }

  public static Range range(String s) {
    int slash = s.indexOf('/');
    if (slash < 0) {
      return null;
    }
    byte[] net = address(s.substring(0, slash));
    if (net == null) {
      return null;
    }
    String b = s.substring(slash + 1);
    if (b.isEmpty() || b.length() > 3 || !b.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    int bits = Integer.parseInt(b);
    if (bits > net.length * 8) {
      return null;
    }
    return new Range(net, bits);
  }
}
