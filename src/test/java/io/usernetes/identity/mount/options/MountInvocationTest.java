package io.usernetes.identity.mount.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MountInvocationTest {
  private static String error(String... argv) {
    return assertThrows(MountUsageException.class, () -> MountInvocation.parse(argv)).getMessage();
  }

  @Test
  void podmanContainerMount() {
    // Exactly what podman run --rm passes (observed with a logging wrapper).
    MountInvocation inv = MountInvocation.parse("-o",
        "lowerdir=/g/overlay/l/A:/g/overlay/l/B,upperdir=/g/overlay/X/diff,"
            + "workdir=/g/overlay/X/work,,volatile",
        "/g/overlay/X/merged");
    assertEquals(Optional.of("/g/overlay/X/merged"), inv.mountpoint());
    assertEquals(Optional.empty(), inv.source());
    MountOptions o = inv.options();
    assertEquals(List.of("/g/overlay/l/A", "/g/overlay/l/B"), o.layers().lowerDirs());
    assertEquals(Optional.of("/g/overlay/X/diff"), o.layers().upperDir());
    assertEquals(Optional.of("/g/overlay/X/work"), o.layers().workDir());
    assertFalse(o.tuning().fsync());
    assertFalse(o.readOnly());
    assertEquals(List.of(), o.ignoredOptions());
    assertFalse(inv.foreground() || inv.debug() || inv.help() || inv.version());
  }

  @Test
  void podmanBuildMountIsReadOnly() {
    MountInvocation inv = MountInvocation.parse("-o", "lowerdir=L/diff:L/empty", "L/merged");
    assertEquals(List.of("L/diff", "L/empty"), inv.options().layers().lowerDirs());
    assertTrue(inv.options().layers().readOnly());
    assertTrue(inv.options().readOnly());
    assertTrue(inv.options().tuning().fsync());
    assertEquals(Optional.of("L/merged"), inv.mountpoint());
  }

  @Test
  void mountFuseHelperForm() {
    // mount.fuse3 overlay TARGET -o OPT -o OPT, with dev,suid added by mount.fuse itself.
    MountInvocation inv = MountInvocation.parse("overlay", "/snap/7/merged",
        "-o", "workdir=/snap/7/work,upperdir=/snap/7/fs,lowerdir=/snap/6/fs:/snap/5/fs",
        "-o", "uidmapping=0:1000:65536,gidmapping=0:1000:65536,dev,suid");
    assertEquals(Optional.of("overlay"), inv.source());
    assertEquals(Optional.of("/snap/7/merged"), inv.mountpoint());
    assertEquals(List.of("/snap/6/fs", "/snap/5/fs"), inv.options().layers().lowerDirs());
    assertEquals(Optional.of("/snap/7/fs"), inv.options().layers().upperDir());
    assertEquals(List.of(new IdMapping(0, 1000, 65536)), inv.options().ownership().uidMapping());
    assertEquals(List.of(new IdMapping(0, 1000, 65536)), inv.options().ownership().gidMapping());
    assertEquals(List.of("dev", "suid"), inv.options().fuse().mountOptions());
  }

  @Test
  void lastNonOptionIsTheMountpointWhereverTheOptionsAre() {
    MountInvocation inv = MountInvocation.parse("-o", "lowerdir=/l", "src", "-f", "/m");
    assertEquals(Optional.of("src"), inv.source());
    assertEquals(Optional.of("/m"), inv.mountpoint());
    assertTrue(inv.foreground());
  }

  @Test
  void severalDashOAreMergedInOrderAndLaterOnesWin() {
    MountInvocation inv = MountInvocation.parse("-o", "lowerdir=/a,fsync=0", "-o", "fsync=1",
        "-o", "lowerdir=/b:/c", "/m");
    assertEquals(List.of("/b", "/c"), inv.options().layers().lowerDirs());
    assertTrue(inv.options().tuning().fsync());
  }

  @Test
  void gluedDashO() {
    MountInvocation inv = MountInvocation.parse("-olowerdir=/a:/b,ro", "/m");
    assertEquals(List.of("/a", "/b"), inv.options().layers().lowerDirs());
    assertEquals(Optional.of(true), inv.options().fuse().readOnly());
  }

  @Test
  void emptyDashOIsNothing() {
    MountInvocation inv = MountInvocation.parse("-o", "", "-o", "lowerdir=/a", "-o", ",,", "/m");
    assertEquals(List.of("/a"), inv.options().layers().lowerDirs());
  }

  @ParameterizedTest
  @CsvSource({"-d", "--debug"})
  void debugImpliesForeground(String flag) {
    MountInvocation inv = MountInvocation.parse(flag, "-o", "lowerdir=/a", "/m");
    assertTrue(inv.debug());
    assertTrue(inv.foreground());
  }

  @Test
  void debugOptionImpliesForegroundToo() {
    MountInvocation inv = MountInvocation.parse("-o", "lowerdir=/a,debug", "/m");
    assertTrue(inv.options().debug());
    assertTrue(inv.debug());
    assertTrue(inv.foreground());
  }

  @Test
  void foregroundAlone() {
    MountInvocation inv = MountInvocation.parse("-f", "-o", "lowerdir=/a", "/m");
    assertTrue(inv.foreground());
    assertFalse(inv.debug());
  }

  @ParameterizedTest
  @CsvSource({"-h", "--help"})
  void helpNeedsNothingElse(String flag) {
    MountInvocation inv = MountInvocation.parse(flag);
    assertTrue(inv.help());
    assertFalse(inv.version());
    assertEquals(Optional.empty(), inv.mountpoint());
    assertEquals(List.of(), inv.options().layers().lowerDirs());
  }

  @ParameterizedTest
  @CsvSource({"-V", "--version"})
  void versionNeedsNothingElse(String flag) {
    // podman info runs MOUNT_PROGRAM --version and expects exit 0.
    MountInvocation inv = MountInvocation.parse(flag);
    assertTrue(inv.version());
    assertFalse(inv.help());
  }

  @Test
  void doubleDashEndsOptions() {
    MountInvocation inv = MountInvocation.parse("-o", "lowerdir=/a", "--", "-weird");
    assertEquals(Optional.of("-weird"), inv.mountpoint());
    assertEquals(Optional.of("-"), MountInvocation.parse("-o", "lowerdir=/a", "-").mountpoint());
  }

  @Test
  void dashOTakesTheNextArgumentEvenIfItLooksLikeAnOption() {
    MountInvocation inv = MountInvocation.parse("-o", "-f", "-o", "lowerdir=/a", "/m");
    assertEquals(List.of("-f"), inv.options().ignoredOptions());
    assertFalse(inv.foreground());
  }

  @Test
  void errorsAreExactAndOneLine() {
    assertEquals("missing mountpoint", error());
    assertEquals("missing mountpoint", error("-o", "lowerdir=/a"));
    assertEquals("missing lowerdir (-o lowerdir=DIR[:DIR...])", error("/m"));
    assertEquals("missing lowerdir (-o lowerdir=DIR[:DIR...])", error("-o", "volatile", "/m"));
    assertEquals("missing argument after -o", error("/m", "-o"));
    assertEquals("unknown option \"-x\" (see --help)", error("-x", "-o", "lowerdir=/a", "/m"));
    assertEquals("unknown option \"--foreground\" (see --help)", error("--foreground"));
    assertEquals("unknown option \"-fd\" (see --help)", error("-fd"));
    assertEquals("too many arguments: expected [SOURCE] MOUNTPOINT, got \"a\" \"b\" \"c\"",
        error("-o", "lowerdir=/l", "a", "b", "c"));
    assertEquals("empty mountpoint", error("-o", "lowerdir=/a", ""));
    assertEquals("upperdir given without workdir", error("-o", "lowerdir=/a,upperdir=/u", "/m"));
    assertEquals("workdir given without upperdir", error("-o", "lowerdir=/a,workdir=/w", "/m"));
    assertEquals("upperdir given without workdir",
        error("-o", "lowerdir=/a,upperdir=/u", "-o", "upperdir=/v", "/m"));
    assertEquals("unknown option \"-x\\nrm\" (see --help)", error("-x\nrm"));
  }

  @Test
  void upperdirAndWorkdirMayComeFromDifferentDashO() {
    MountInvocation inv = MountInvocation.parse("-o", "upperdir=/u", "-o", "workdir=/w,lowerdir=/l", "/m");
    assertEquals(Optional.of("/w"), inv.options().layers().workDir());
  }

  @Test
  void helpStillReportsBadOptions() {
    assertEquals("option \"fsync\": \"2\" is not 0 or 1", error("--help", "-o", "fsync=2"));
  }

  @Test
  void describeIsTheCanonicalCommandLine() {
    MountInvocation inv = MountInvocation.parse("-o",
        "lowerdir=/g/l/A:/g/l/B,upperdir=/g/X/diff,workdir=/g/X/work,,volatile", "/g/X/merged");
    assertEquals("-o lowerdir=/g/l/A:/g/l/B,upperdir=/g/X/diff,workdir=/g/X/work,volatile "
        + "/g/X/merged", inv.describe());
    assertEquals(inv.describe(), inv.toString());
    assertEquals(inv, MountInvocation.parse(inv.toArgv().toArray(String[]::new)));
  }

  @Test
  void describeQuotesForTheShellAndStaysOnOneLine() {
    MountInvocation inv = MountInvocation.parse("-d", "src dir",
        "-o", "lowerdir=/a\\:b,context=\"x:y,z\"", "/m\nx");
    assertEquals("-d -o 'lowerdir=/a\\:b,context=\"x:y,z\"' 'src dir' $'/m\\nx'", inv.describe());
    assertEquals(inv, MountInvocation.parse(inv.toArgv().toArray(String[]::new)));
  }

  @Test
  void toArgvProtectsOperandsThatLookLikeOptions() {
    MountInvocation inv = MountInvocation.parse("-f", "-o", "lowerdir=/a", "--", "-s", "-m");
    assertEquals(List.of("-f", "-o", "lowerdir=/a", "--", "-s", "-m"), inv.toArgv());
    assertEquals(inv, MountInvocation.parse(inv.toArgv().toArray(String[]::new)));
  }

  @Test
  void recordRefusesWhatParseWouldNeverBuild() {
    MountOptions none = MountOptions.parse();
    assertThrows(IllegalArgumentException.class, () ->
        new MountInvocation(Optional.empty(), Optional.of("/m"), true, false, false, false, none));
    assertThrows(IllegalArgumentException.class, () ->
        new MountInvocation(Optional.empty(), Optional.empty(), false, true, true, false, none));
  }
}
