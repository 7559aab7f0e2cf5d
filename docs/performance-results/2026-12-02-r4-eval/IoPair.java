import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/** The baseline's and the new batch (decisions ready-made) in one JVM, their rounds alternating: same load for both. */
public class IoPair {
  public static void main(String[] a) throws Exception {
    String[][] jars = {{a[0], a[1]}, {a[2], a[3]}}; // jar, probe classes dir
    Method[] pass = new Method[2];
    String[] kind = new String[2];
    for (int i = 0; i < 2; i++) {
      URLClassLoader l = new URLClassLoader(new URL[] {Path.of(jars[i][1]).toUri().toURL(), Path.of(jars[i][0]).toUri().toURL()},
          ClassLoader.getPlatformClassLoader());
      Class<?> c = l.loadClass("IoProbe");
      kind[i] = (String) c.getMethod("init", boolean.class).invoke(null, a.length > 5 && a[5].equals("full"));
      pass[i] = c.getMethod("pass", int.class);
    }
    for (int w = 0; w < 15; w++) for (int i = 0; i < 2; i++) pass[i].invoke(null, 2);
    int rounds = Integer.parseInt(a[4]);
    double[][] r = new double[2][rounds];
    for (int k = 0; k < rounds; k++) for (int i = 0; i < 2; i++) r[(i + k) % 2 == 0 ? 0 : 1][k] = 0; // placeholder
    for (int k = 0; k < rounds; k++) {
      int first = k % 2; // alternate which goes first
      r[first][k] = (double) pass[first].invoke(null, 10);
      r[1 - first][k] = (double) pass[1 - first].invoke(null, 10);
    }
    for (int i = 0; i < 2; i++) {
      double[] s = r[i].clone();
      Arrays.sort(s);
      System.out.printf("%-12s per line (" + (a.length > 5 && a[5].equals("full") ? "whole batch" : "reading + writing") + "): median %.0f ns [%.0f - %.0f], %d rounds of 40,960 lines%n", kind[i], s[rounds / 2], s[0], s[rounds - 1], rounds);
    }
    double[] ratio = new double[rounds];
    for (int k = 0; k < rounds; k++) ratio[k] = r[1][k] / r[0][k];
    Arrays.sort(ratio);
    System.out.printf("new / baseline, round by round: median %.2f [%.2f - %.2f]%n", ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
  }
}
