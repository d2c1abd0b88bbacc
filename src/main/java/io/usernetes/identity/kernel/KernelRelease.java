package io.usernetes.identity.kernel;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The running kernel's version, for behaviour that no call can probe without risk (a RECV that
 * blocks forever on an old kernel cannot be tried). A release that does not parse counts as old:
 * the caller then takes the path every kernel supports.
 */
public record KernelRelease(int major, int minor) {
  private static final Pattern VERSION = Pattern.compile("^(\\d{1,4})\\.(\\d{1,4})(?:\\D.*)?$");
  private static final KernelRelease RUNNING = parse(System.getProperty("os.version", ""));

  /** {@code uname -r} text such as {@code 6.18.0-1-amd64}; 0.0 when it is not a version. */
  public static KernelRelease parse(String release) {
    Matcher m = VERSION.matcher(release);
    if (!m.matches()) {
      return new KernelRelease(0, 0);
    }
    return new KernelRelease(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  public static KernelRelease running() {
    return RUNNING;
  }

  public boolean atLeast(int wantMajor, int wantMinor) {
    return major > wantMajor || (major == wantMajor && minor >= wantMinor);
  }
}
