package io.usernetes.identity.mount.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

class MountOptionsPropertiesTest {

  // ---- arbitrary input only ever raises the parser's own error, on one line

  @Property(tries = 3000)
  @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
  void optionStringsOnlyRaiseUsageErrors(@ForAll("optionStrings") String options) {
    bothOutcomesMustOccur();
    MountOptions parsed;
    try {
      parsed = MountOptions.parse(options);
    } catch (MountUsageException e) {
      assertOneLine(e);
      Statistics.label("outcome").collect("refused");
      return;
    }
    Statistics.label("outcome").collect("parsed");
    // Whatever parses has a canonical form that parses back to the same thing.
    assertEquals(parsed, MountOptions.parse(parsed.toOptionString()));
  }

  @Property(tries = 1000)
  void arbitraryUnicodeOnlyRaisesUsageErrors(@ForAll("unicode") String options) {
    try {
      MountOptions parsed = MountOptions.parse(options);
      assertEquals(parsed, MountOptions.parse(parsed.toOptionString()));
    } catch (MountUsageException e) {
      assertOneLine(e);
    }
  }

  @Property(tries = 2000)
  @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
  void commandLinesOnlyRaiseUsageErrors(@ForAll("argvs") List<String> argv) {
    bothOutcomesMustOccur();
    MountInvocation invocation;
    try {
      invocation = MountInvocation.parse(argv.toArray(String[]::new));
    } catch (MountUsageException e) {
      assertOneLine(e);
      Statistics.label("outcome").collect("refused");
      return;
    }
    Statistics.label("outcome").collect("parsed");
    assertEquals(invocation, MountInvocation.parse(invocation.toArgv().toArray(String[]::new)));
    assertFalse(invocation.describe().contains("\n"));
  }

  @Property(tries = 1000)
  void validOptionListsSurviveTheCanonicalForm(@ForAll("validOptionLists") List<String> elements) {
    MountOptions parsed = MountOptions.parse(String.join(",", elements));
    String canonical = parsed.toOptionString();
    MountOptions again = MountOptions.parse(canonical);
    assertEquals(parsed, again);
    assertEquals(canonical, again.toOptionString());
  }

  // ---- escaping and splitting round trips

  @Property(tries = 2000)
  void lowerDirsRoundTrip(@ForAll("pathLists") List<String> dirs) {
    String joined = LowerDirs.join(dirs);
    assertEquals(dirs, LowerDirs.split(joined));
    // The joined form is also safe inside -o, next to other options.
    MountInvocation invocation = MountInvocation.parse(
        "-o", "context=\"a,b\",lowerdir=" + joined + ",volatile", "/m");
    assertEquals(dirs, invocation.options().layers().lowerDirs());
  }

  @Property(tries = 1000)
  void escapeThenDecodeIsIdentity(@ForAll("unicodeLists") List<String> pieces) {
    String joined = pieces.stream().map(p -> QuotedText.escape(p, ":")).collect(Collectors.joining(":"));
    assertEquals(pieces, QuotedText.splitDecoded(joined, ':', "t"));
    for (String piece : pieces) {
      assertEquals(piece, QuotedText.decode(QuotedText.escape(piece, ""), "t"));
    }
  }

  @Property(tries = 2000)
  void mappingTriplesRoundTrip(@ForAll("mappings") List<IdMapping> mappings) {
    String text = IdMappings.format(mappings);
    assertEquals(mappings, IdMappings.parse("uidmapping", text));
    assertEquals(mappings, MountOptions.parse("gidmapping=" + text).ownership().gidMapping());
  }

  @Property(tries = 2000)
  void mappingTextOnlyRaisesUsageErrors(@ForAll("mappingText") String text) {
    try {
      IdMappings.parse("uidmapping", text);
    } catch (MountUsageException e) {
      assertOneLine(e);
    }
  }

  // ---- generators

  /** Guards the generators: a property that only ever sees refusals tests little. */
  private static void bothOutcomesMustOccur() {
    Statistics.label("outcome").coverage(c -> {
      c.check("parsed").percentage(p -> p >= 2);
      c.check("refused").percentage(p -> p >= 2);
    });
  }

  private static void assertOneLine(MountUsageException e) {
    String message = e.getMessage();
    assertFalse(message.isEmpty());
    assertFalse(message.contains("\n") || message.contains("\r"), message);
  }

  /** Pieces that make the parser work: separators, quotes, escapes, real names, numbers. */
  private static Arbitrary<String> fragments() {
    List<String> names = new ArrayList<>();
    for (KnownOption option : KnownOption.values()) {
      names.add(option.optionName());
      names.add(option.optionName() + "=");
    }
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(",", "\"", "\\", ":", "=", ",,", "/", ";", "\\:",
            "\\\\", "\n")),
        Tuple.of(5, Arbitraries.of(names)),
        Tuple.of(3, Arbitraries.strings().numeric().ofMaxLength(11)),
        Tuple.of(2, Arbitraries.of("0", "1", "2", "off", "auto", "on", "host",
            "debug", "0:0:1/1:1:1999/65534:2000:2", "0:1:1000", "/a", "l/ID")),
        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(4)));
  }

  @Provide
  Arbitrary<String> optionStrings() {
    return fragments().list().ofMaxSize(25).map(parts -> String.join("", parts));
  }

  @Provide
  Arbitrary<String> unicode() {
    return Arbitraries.strings().all().ofMaxLength(60);
  }

  @Provide
  Arbitrary<List<String>> unicodeLists() {
    return Arbitraries.strings().all().ofMaxLength(10).list().ofMinSize(1).ofMaxSize(6);
  }

  @Provide
  Arbitrary<List<String>> argvs() {
    Arbitrary<String> arg = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.of("-o", "-f", "-d", "--debug", "-h", "--help", "-V",
            "--version", "--", "-", "-x", "-olowerdir=/g/l/A", "/m", "overlay", "", "-m x")),
        Tuple.of(4, optionStrings()),
        Tuple.of(3, Arbitraries.of("lowerdir=/a:/b", "lowerdir=/a,upperdir=/u,workdir=/w",
            "lowerdir=L/diff:L/empty,,volatile", "context=\"s0:c1,c2\"")),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(6)));
    return arg.list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<String>> validOptionLists() {
    Arbitrary<String> path = Arbitraries.strings().withChars(":\\,\"/ a=é").ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> element = Arbitraries.oneOf(
        Arbitraries.of("volatile", "fsync=1", "fsync=0", "static_nlink", "noacl", "xino=auto",
            "xino=on", "xino=off", "ino32_t", "fast_ino=1", "threaded=0", "writeback=0",
            "timeout=2.50", "timeout=1000000000", "noxattrs=1", "plugins=a:b", "redirect_dir=off",
            "redirect_dir=follow", "redirect_dir=nofollow", "redirect_dir=on",
            "debug", "ro", "rw", "dev", "nodev", "suid", "nosuid", "exec", "noexec", "atime",
            "noatime", "diratime", "nodiratime", "max_write=4096", "allow_other",
            "default_permissions", "kernel_cache", "splice_read", "splice_write", "splice_move",
            "big_writes", "allow_root", "squash_to_root", "squash_to_uid=7", "squash_to_gid=0",
            "xattr_permissions=2", "uidmapping=0:1:1000:1000:0:1", "gidmapping=5:6:7",
            "uid_map=0:0:1/1:1:1999/65534:2000:2", "gid_map=\"0:0:1,1:1:99\"",
            "report_mode=container", "log_level=TRACE", "upperdir=/u,workdir=/w", "", "x-unknown",
            "userxattr", "metacopy=on"),
        path.list().ofMinSize(1).ofMaxSize(4).map(dirs -> "lowerdir=" + LowerDirs.join(dirs)),
        path.map(p -> "context=\"" + QuotedText.escape(p, "") + "\""),
        path.map(p -> "log_file=" + QuotedText.escape(p, ",")),
        path.map(p -> "upperdir=" + QuotedText.escape(p, ",") + ",workdir=" + QuotedText.escape(p, ",")));
    return element.list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<String>> pathLists() {
    Arbitrary<String> path = Arbitraries.oneOf(
        Arbitraries.strings().withChars(":\\,\"/a").ofMinLength(1).ofMaxLength(12),
        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12));
    return path.list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> mappingText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789:").ofMaxLength(40),
        Arbitraries.of("4294967294", "4294967295", "99999999999", "0", "1", ":", "")
            .list().ofMaxSize(9).map(parts -> String.join(":", parts)));
  }

  /**
   * Disjoint triples by construction: FROM ranges laid out in list order and TO ranges in a
   * shuffled order, each after a random gap, so both sides are disjoint but interleaved.
   */
  @Provide
  Arbitrary<List<IdMapping>> mappings() {
    Arbitrary<Long> gap = Arbitraries.longs().between(0, 500_000_000L).edgeCases(c -> c.add(0L));
    Arbitrary<Long> length = Arbitraries.longs().between(1, 100_000_000L);
    Arbitrary<long[]> triple = Combinators.combine(gap, gap, length).as((a, b, c) -> new long[] {a, b, c});
    return triple.list().ofMinSize(1).ofMaxSize(6).flatMap(triples ->
        Arbitraries.shuffle(IntStream.range(0, triples.size()).boxed().toList())
            .map(order -> layOut(triples, order)));
  }

  private static List<IdMapping> layOut(List<long[]> triples, List<Integer> toOrder) {
    long[] from = new long[triples.size()];
    long[] to = new long[triples.size()];
    long next = 0;
    for (int i = 0; i < triples.size(); i++) {
      from[i] = next + triples.get(i)[0];
      next = from[i] + triples.get(i)[2];
    }
    next = 0;
    for (int i : toOrder) {
      to[i] = next + triples.get(i)[1];
      next = to[i] + triples.get(i)[2];
    }
    return IntStream.range(0, triples.size())
        .mapToObj(i -> new IdMapping(from[i], to[i], triples.get(i)[2]))
        .toList();
  }
}
