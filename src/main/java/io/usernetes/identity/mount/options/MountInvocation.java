package io.usernetes.identity.mount.options;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What one command line of the mount program asks for: fuse-overlayfs's command line, which
 * callers use in two forms.
 *
 * <pre>
 * usernetes-identity -o OPTIONS MOUNTPOINT               containers-storage (podman, buildah, CRI-O)
 * usernetes-identity SOURCE MOUNTPOINT -o OPT -o OPT     mount.fuse3, containerd
 * </pre>
 *
 * <p>Arguments may come in any order. The last non-option argument is the mountpoint and one
 * before it is the source, which is ignored (it is {@code overlay} or the like). Several {@code
 * -o} are merged in order; {@code -oOPTIONS} is the same as {@code -o OPTIONS}; {@code --} ends
 * the options. {@code -f} keeps the daemon in the foreground, {@code -d}/{@code --debug}/{@code -o
 * debug} turn on debugging and imply {@code -f}; {@code -h}/{@code --help} and {@code
 * -V}/{@code --version} ask for the help text and the version (printed by the caller), and then
 * neither a mountpoint nor a lowerdir is needed.
 *
 * <p>Stricter than fuse-overlayfs in two places, both to catch typos instead of mounting
 * somewhere unexpected: more than two non-option arguments are refused (fuse-overlayfs silently
 * takes the last; no caller sends three), and so is any unknown dash option, including
 * combined flags such as {@code -fd}.
 *
 * <p>Invariants: {@code debug} implies {@code foreground}; unless {@code help} or {@code version}
 * is set, the mountpoint is present and non-empty and there is at least one lower layer.
 *
 * @param source the non-option argument before the mountpoint, if there are two
 * @param mountpoint where to mount; empty only with help or version
 * @param foreground stay attached to the terminal instead of becoming a daemon
 * @param debug debug output (from {@code -d}, {@code --debug} or {@code -o debug})
 * @param help {@code -h} or {@code --help}
 * @param version {@code -V} or {@code --version}; {@code podman info} runs this and needs exit 0
 * @param options the merged {@code -o} options
 */
public record MountInvocation(Optional<String> source, Optional<String> mountpoint,
    boolean foreground, boolean debug, boolean help, boolean version, MountOptions options) {
  private static final String SHELL_SPECIAL = "'\"\\$`!*?;&|<>()[]{}~#";

  public MountInvocation {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(mountpoint, "mountpoint");
    Objects.requireNonNull(options, "options");
    if (debug && !foreground) {
      throw new IllegalArgumentException("debug implies foreground");
    }
    if (!help && !version
        && (mountpoint.filter(m -> !m.isEmpty()).isEmpty()
            || options.layers().lowerDirs().isEmpty())) {
      throw new IllegalArgumentException("a mount needs a mountpoint and a lower layer");
    }
  }

  /**
   * Parses the mount program's arguments (without the program name).
   *
   * @throws MountUsageException with a one-line reason, e.g. {@code missing mountpoint}
   */
  public static MountInvocation parse(String... argv) {
    List<String> optionStrings = new ArrayList<>();
    List<String> operands = new ArrayList<>();
    boolean foreground = false;
    boolean debug = false;
    boolean help = false;
    boolean version = false;
    boolean endOfOptions = false;
    for (int i = 0; i < argv.length; i++) {
      String arg = argv[i];
      if (endOfOptions || !arg.startsWith("-") || arg.equals("-")) {
        operands.add(arg);
        continue;
      }
      switch (arg) {
        case "--" -> endOfOptions = true;
        case "-o" -> {
          if (i + 1 == argv.length) {
            throw new MountUsageException("missing argument after -o");
          }
          optionStrings.add(argv[++i]);
        }
        case "-f" -> foreground = true;
        case "-d", "--debug" -> debug = true;
        case "-h", "--help" -> help = true;
        case "-V", "--version" -> version = true;
        default -> {
          if (!arg.startsWith("-o")) {
            throw new MountUsageException("unknown option " + MountUsageException.quote(arg)
                + " (see --help)");
          }
          optionStrings.add(arg.substring(2));
        }
      }
    }
    if (operands.size() > 2) {
      throw new MountUsageException("too many arguments: expected [SOURCE] MOUNTPOINT, got "
          + operands.stream().map(MountUsageException::quote).collect(Collectors.joining(" ")));
    }
    Optional<String> mountpoint = operands.isEmpty()
        ? Optional.empty() : Optional.of(operands.get(operands.size() - 1));
    Optional<String> source = operands.size() == 2 ? Optional.of(operands.get(0)) : Optional.empty();
    if (mountpoint.filter(String::isEmpty).isPresent()) {
      throw new MountUsageException("empty mountpoint");
    }
    boolean mounting = !help && !version;
    if (mounting && mountpoint.isEmpty()) {
      throw new MountUsageException("missing mountpoint");
    }
    MountOptions options = MountOptions.parse(optionStrings);
    if (mounting && options.layers().lowerDirs().isEmpty()) {
      throw new MountUsageException("missing lowerdir (-o lowerdir=DIR[:DIR...])");
    }
    debug |= options.debug();
    return new MountInvocation(source, mountpoint, foreground || debug, debug, help, version,
        options);
  }

  /**
   * The arguments of an equivalent command line in the containers-storage form, which {@link
   * #parse} reads back as an equal invocation; for re-executing the program as its own daemon.
   */
  public List<String> toArgv() {
    List<String> argv = new ArrayList<>();
    if (help) {
      argv.add("--help");
    }
    if (version) {
      argv.add("--version");
    }
    if (debug && !options.debug()) {
      argv.add("-d");
    } else if (foreground && !debug) {
      argv.add("-f");
    }
    String optionString = options.toOptionString();
    if (!optionString.isEmpty()) {
      argv.add("-o");
      argv.add(optionString);
    }
    List<String> operands = new ArrayList<>();
    source.ifPresent(operands::add);
    mountpoint.ifPresent(operands::add);
    if (operands.stream().anyMatch(o -> o.startsWith("-"))) {
      argv.add("--"); // an operand like "-x" must not be read as an option
    }
    argv.addAll(operands);
    return List.copyOf(argv);
  }

  /**
   * One line for logs: the canonical command line ({@link #toArgv()}), each argument that
   * needs it in single quotes, e.g. {@code -o lowerdir=/l/A:/l/B,upperdir=/u,workdir=/w,volatile
   * /merged}.
   */
  public String describe() {
    return toArgv().stream().map(MountInvocation::shellQuote).collect(Collectors.joining(" "));
  }

  /** {@link #describe()}. */
  @Override
  public String toString() {
    return describe();
  }

  /** Quotes an argument for a POSIX shell (bash's $'...' when it holds control characters). */
  private static String shellQuote(String arg) {
    if (!arg.isEmpty() && arg.chars().allMatch(c -> c > ' ' && c < 127 && SHELL_SPECIAL.indexOf(c) < 0)) {
      return arg;
    }
    if (arg.chars().noneMatch(Character::isISOControl)) {
      return "'" + arg.replace("'", "'\\''") + "'";
    }
    // Keeps the description on one line even for a mountpoint with a newline in it.
    StringBuilder out = new StringBuilder("$'");
    for (char c : arg.toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\'' -> out.append("\\'");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('\'').toString();
  }
}
