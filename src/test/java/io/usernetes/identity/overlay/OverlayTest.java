package io.usernetes.identity.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.config.ReportMode;
import io.usernetes.identity.declared.HostIdResolver;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.idmap.UserNamespaceMap;
import io.usernetes.identity.kernel.ErrnoException;
import io.usernetes.identity.kernel.Stat;
import io.usernetes.identity.layers.Layer;
import io.usernetes.identity.layers.LayerStack;
import io.usernetes.identity.ownership.OverrideStat;
import io.usernetes.identity.layers.Whiteouts;
import io.usernetes.identity.layers.WorkDir;
import io.usernetes.identity.ownership.CallerNamespaces;
import io.usernetes.identity.ownership.LocalIds;
import io.usernetes.identity.ownership.OwnershipTranslator;
import io.usernetes.identity.ownership.ViewMapping;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The merged file system in plain Java, on directories of a temporary file system: no FUSE. */
class OverlayTest {
  private static final Caller ROOT = new Caller(0, 0, 1);

  @TempDir Path tmp;
  Path lower;
  Path upper;
  Path work;
  Overlay overlay;
  /** What the next {@link #open} does with redirects (redirect_dir=nofollow when false). */
  boolean followRedirects = true;
  /** Whether the next {@link #open} moves directories with lower content (redirect_dir=on). */
  boolean createRedirects = false;

  @BeforeEach
  void layers() throws Exception {
    lower = Files.createDirectory(tmp.resolve("lower"));
    upper = Files.createDirectory(tmp.resolve("upper"));
    work = Files.createDirectory(tmp.resolve("work"));
    Files.createDirectory(lower.resolve("d"));
    Files.writeString(lower.resolve("d/f"), "lower\n");
  }

  @AfterEach
  void close() throws Exception {
    if (overlay != null) {
      overlay.close();
    }
  }

  private Overlay open(String upperOverride) throws Exception {
    return open(upperOverride, ReportMode.CONTAINER);
  }

  private Overlay open(String upperOverride, ReportMode mode) throws Exception {
    return open(upperOverride, mode, true);
  }

  private Overlay open(String upperOverride, ReportMode mode, boolean deviceWhiteouts) throws Exception {
    IdMap map = IdMap.defaultMap();
    LocalIds local = LocalIds.choose(map, UserNamespaceMap.parse(Files.readString(Path.of("/proc/self/uid_map"))), "uid-map");
    OwnershipTranslator translator = new OwnershipTranslator(mode, map, local, ViewMapping.NONE,
        () -> HostIdResolver.of(map, List.of()), CallerNamespaces.forThisProcess(), false);
    LayerStack stack = new LayerStack(List.of(Layer.upper(upper.toString(), upperOverride),
        Layer.lower(1, lower.toString())), followRedirects);
    overlay = new Overlay(stack, WorkDir.prepare(work.toString()), new Whiteouts(deviceWhiteouts),
        new Ownership(translator, translator), false, true, true, createRedirects);
    return overlay;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static int owner(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  private static int mode(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
  }

  private static String xattr(Path p, String name) throws Exception {
    Sh r = Sh.run("getfattr", "--only-values", "-n", name, p.toString());
    return r.status == 0 ? r.out : null;
  }

  private List<String> workEntries() throws Exception {
    try (Stream<Path> s = Files.list(work.resolve("work"))) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  void aNewFileInALowerDirectoryCopiesTheParentUpAndStoresThePoolIdWithARecord() throws Exception {
    Overlay o = open(null);
    o.release(b("d/new"), o.create(b("d/new"), 0644, 0, new Caller(60000, 60000, 1)));
    Attr a = o.getattr(b("d/new"));
    assertEquals(60000, a.uid());
    assertEquals(1633, owner(upper.resolve("d/new")));
    assertEquals("60000", xattr(upper.resolve("d/new"), "user.usernetes.uid"));
    assertTrue(Files.isDirectory(upper.resolve("d")), "the parent was copied up first");
    assertEquals(List.of(), workEntries());
  }

  @Test
  void unlinkAndRmdirLeaveWhiteoutsAndTheLowerLayerAlone() throws Exception {
    Overlay o = open(null);
    o.unlink(b("d/f"));
    assertThrows(ErrnoException.class, () -> o.getattr(b("d/f")));
    assertEquals(List.of(), o.readdir(b("d")));
    o.rmdir(b("d"));
    assertEquals(Stat.S_IFCHR, mode(upper.resolve("d")) & Stat.S_IFMT, "d is a whiteout device in the upper layer");
    assertEquals(0L, Files.getAttribute(upper.resolve("d"), "unix:rdev", LinkOption.NOFOLLOW_LINKS));
    assertEquals("lower\n", Files.readString(lower.resolve("d/f")));
    assertEquals(List.of(), workEntries(), "the removed directory went through the work directory");
  }

  @Test
  void hiddenXattrsCannotBeWrittenAndARefusalCopiesNothingUp() throws Exception {
    Overlay o = open(null);
    for (String name : List.of("user.usernetes.uid", OverrideStat.XATTR, "trusted.overlay.opaque")) {
      ErrnoException e = assertThrows(ErrnoException.class, () -> o.setxattr(b("d/f"), name, b("0"), 0));
      assertEquals(ErrnoException.EPERM, e.errno(), name);
    }
    assertFalse(Files.exists(upper.resolve("d")));
    ErrnoException exists = assertThrows(ErrnoException.class, () -> o.mkdir(b("d/f"), 0755, ROOT));
    assertEquals(ErrnoException.EEXIST, exists.errno());
    ErrnoException directory = assertThrows(ErrnoException.class, () -> o.truncate(b("d"), 0));
    assertEquals(ErrnoException.EISDIR, directory.errno());
    assertFalse(Files.exists(upper.resolve("d")), "checked before anything changes");
  }

  @Test
  void underXattrPermissionsChownAndChmodWriteTheOverrideOnly() throws Exception {
    Overlay o = open(OverrideStat.XATTR);
    o.chown(b("d/f"), 60000, 60000, ROOT);
    o.chmod(b("d/f"), 04755);
    Attr a = o.getattr(b("d/f"));
    assertEquals(60000, a.uid());
    assertEquals(0104755, a.mode());
    Path f = upper.resolve("d/f");
    assertEquals(0, owner(f), "the backing file keeps its owner");
    assertEquals(0, mode(f) & 06000, "and never a set-id bit");
    assertEquals("1633:1633:4755:file", xattr(f, OverrideStat.XATTR));
    assertEquals("60000", xattr(f, "user.usernetes.uid"));
  }

  @Test
  void inHostModeTheRecordsAreShownReadOnlyToCallersInTheMountsNamespaceOnly() throws Exception {
    Overlay o = open(null, ReportMode.HOST);
    o.release(b("d/new"), o.create(b("d/new"), 0644, 0, new Caller(1633, 1633, 1)));
    Sh.run("setfattr", "-n", "user.usernetes.uid", "-v", "60000", upper.resolve("d/new").toString());
    Caller podman = new Caller(0, 0, ProcessHandle.current().pid());
    assertEquals("60000", new String(o.getxattr(b("d/new"), "user.usernetes.uid", podman), StandardCharsets.US_ASCII));
    assertTrue(new String(o.listxattr(b("d/new"), podman), StandardCharsets.US_ASCII).contains("user.usernetes.uid"));
    assertEquals(ErrnoException.EPERM, assertThrows(ErrnoException.class,
        () -> o.setxattr(b("d/new"), "user.usernetes.uid", b("0"), 0)).errno(), "never writable");
    Process container = new ProcessBuilder("unshare", "--user", "sleep", "60").start();
    try {
      Path ours = Files.readSymbolicLink(Path.of("/proc/self/ns/user"));
      while (Files.readSymbolicLink(Path.of("/proc/" + container.pid() + "/ns/user")).equals(ours)) {
        Thread.onSpinWait();
      }
      Caller inside = new Caller(0, 0, container.pid());
      assertEquals(ErrnoException.ENODATA, assertThrows(ErrnoException.class,
          () -> o.getxattr(b("d/new"), "user.usernetes.uid", inside)).errno(), "a container is not shown them");
      assertFalse(new String(o.listxattr(b("d/new"), inside), StandardCharsets.US_ASCII).contains("usernetes"));
    } finally {
      container.destroy();
      container.waitFor();
    }
  }

  private static byte[] name(char c, int length) {
    return b(String.valueOf(c).repeat(length));
  }

  private static int errno(Executable action) {
    return assertThrows(ErrnoException.class, action).errno();
  }

  @Test
  void withDeviceWhiteoutsEveryNameTheLayersTakeIsMadeFoundAndRemovedAndLongerOnesAreTooLong() throws Exception {
    Files.writeString(lower.resolve("d/" + "L".repeat(255)), "lower\n");
    Overlay o = open(null);
    assertEquals(255, o.statfs().nameMax());
    byte[] longest = b("d/" + "L".repeat(255));
    o.getattr(longest);
    o.rename(longest, b("d/moved"));
    assertEquals(ErrnoException.ENOENT, errno(() -> o.getattr(longest)), "its whiteout hides it");
    o.mkdir(b("d/" + "m".repeat(255)), 0755, ROOT);
    o.getattr(b("d/" + "m".repeat(255)));
    assertEquals(ErrnoException.ENAMETOOLONG, errno(() -> o.getattr(b("d/" + "q".repeat(256)))),
        "a lower directory's listing does not make a name too long merely absent");
  }

  @Test
  void withWhiteoutFilesNoNameIsMadeThatCouldNotBeRemovedAndNothingChangesOnRefusal() throws Exception {
    Files.writeString(lower.resolve("d/" + "L".repeat(252)), "lower\n");
    Overlay o = open(null, ReportMode.CONTAINER, false);
    assertEquals(251, o.statfs().nameMax(), "room for .wh. is kept");
    o.release(b("d/" + "c".repeat(251)), o.create(b("d/" + "c".repeat(251)), 0644, 0, ROOT));
    assertEquals(ErrnoException.ENAMETOOLONG, errno(() -> o.create(b("d/" + "c".repeat(252)), 0644, 0, ROOT)));
    assertEquals(ErrnoException.ENAMETOOLONG, errno(() -> o.mkdir(name('m', 252), 0755, ROOT)));
    assertEquals(ErrnoException.ENAMETOOLONG, errno(() -> o.symlink(b("f"), name('s', 252), ROOT)));
    assertEquals(ErrnoException.ENAMETOOLONG, errno(() -> o.link(b("d/f"), name('h', 252), ROOT)));
    assertEquals(ErrnoException.ENAMETOOLONG, errno(() -> o.rename(b("d/f"), name('r', 252))));
    byte[] lowerLong = b("d/" + "L".repeat(252));
    o.getattr(lowerLong); // what a lower layer has stays readable
    assertEquals(ErrnoException.ENAMETOOLONG, errno(() -> o.rename(lowerLong, b("d/moved"))));
    assertEquals(ErrnoException.ENAMETOOLONG, errno(() -> o.unlink(lowerLong)));
    o.getattr(lowerLong);
    assertEquals(ErrnoException.ENOENT, errno(() -> o.getattr(b("d/moved"))), "not moved half-way");
    try (Stream<Path> s = Files.list(upper.resolve("d"))) {
      assertEquals(List.of("c".repeat(251)), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void anUpperDirectoryReplacesAnEmptyMergedOneWhichItThenHidesAndOnlyThat() throws Exception {
    Files.createDirectory(lower.resolve("full"));
    Files.writeString(lower.resolve("full/g"), "lower\n");
    Overlay o = open(null);
    o.mkdir(b("n"), 0755, ROOT);
    assertEquals(ErrnoException.ENOTEMPTY, errno(() -> o.rename(b("n"), b("d"))));
    assertEquals(ErrnoException.EXDEV, errno(() -> o.rename(b("full"), b("n"))), "redirect_dir is off");
    o.unlink(b("d/f"));
    o.release(b("n/x"), o.create(b("n/x"), 0644, 0, ROOT));
    o.rename(b("n"), b("d"));
    assertEquals(List.of("x"), o.readdir(b("d")).stream().map(e -> new String(e.name(), StandardCharsets.ISO_8859_1)).toList());
    assertEquals("y", xattr(upper.resolve("d"), "trusted.overlay.opaque"));
    assertTrue(Files.exists(upper.resolve("d/x")));
    assertFalse(Files.exists(upper.resolve("n")));
    assertEquals(List.of(), workEntries());
  }

  /** The upper layer as the kernel overlay leaves it after {@code mv d e} with redirect_dir=on. */
  private void renamedInUpper(String xattr, String redirect) throws Exception {
    Files.createDirectory(upper.resolve("e"));
    setxattr(upper.resolve("e"), xattr, redirect);
    Files.createFile(upper.resolve(".wh.d"));
  }

  private static void setxattr(Path p, String name, String value) throws Exception {
    assertEquals(0, Sh.run("setfattr", "-n", name, "-v", value, p.toString()).status(), name);
  }

  private static List<String> names(List<LayerStack.Listed> listed) {
    return listed.stream().map(e -> new String(e.name(), StandardCharsets.ISO_8859_1)).sorted().toList();
  }

  private static String contents(Overlay o, String path) throws Exception {
    OpenFile f = o.open(b(path), io.usernetes.identity.kernel.OpenFlags.O_RDONLY);
    try {
      return Files.readString(Path.of("/proc/self/fd/" + f.fd().number()));
    } finally {
      o.release(b(path), f);
    }
  }

  @Test
  void aRenamedDirectoryShowsItsLowerContentFromWhereItCame() throws Exception {
    for (String[] redirect : new String[][] {{"trusted.overlay.redirect", "/d"}, {"user.overlay.redirect", "d"}}) {
      renamedInUpper(redirect[0], redirect[1]);
      Overlay o = open(null);
      assertEquals(List.of("e"), names(o.readdir(b(""))), redirect[1]);
      assertEquals(List.of("f"), names(o.readdir(b("e"))), redirect[1]);
      assertEquals("lower\n", contents(o, "e/f"));
      assertEquals((long) (Long) Files.getAttribute(lower.resolve("d"), "unix:ino"), o.getattr(b("e")).ino(), "the origin's inode");
      o.truncate(b("e/f"), 2); // copied up from d/f into e
      assertEquals("lo", Files.readString(upper.resolve("e/f")));
      assertEquals("lower\n", Files.readString(lower.resolve("d/f")));
      o.unlink(b("e/f"));
      assertEquals(List.of(), names(o.readdir(b("e"))));
      o.close();
      overlay = null;
      Sh.run("rm", "-rf", upper.resolve("e").toString(), upper.resolve(".wh.d").toString());
    }
  }

  @Test
  void aRedirectBelowARenamedDirectoryIsFollowedFurther() throws Exception {
    Files.createDirectories(lower.resolve("d/sub"));
    Files.writeString(lower.resolve("d/sub/g"), "deep\n");
    renamedInUpper("trusted.overlay.redirect", "/d");
    Files.createDirectory(upper.resolve("e/moved"));
    setxattr(upper.resolve("e/moved"), "trusted.overlay.redirect", "sub");
    Files.createFile(upper.resolve("e/.wh.sub"));
    Overlay o = open(null);
    assertEquals(List.of("f", "moved"), names(o.readdir(b("e"))));
    assertEquals(List.of("g"), names(o.readdir(b("e/moved"))));
    assertEquals("deep\n", contents(o, "e/moved/g"));
    assertEquals(ErrnoException.EXDEV, errno(() -> o.rename(b("e"), b("x"))), "redirects are not written yet");
  }

  @Test
  void badRedirectsAndOpaqueOnesShowNothingBelow() throws Exception {
    Files.createDirectory(lower.resolve("escape"));
    for (String bad : List.of("/../lower/d", "/d/../d", "../d", "d/", "/", "/.wh.d", "/nothing")) {
      Files.createDirectory(upper.resolve("e"));
      setxattr(upper.resolve("e"), "trusted.overlay.redirect", bad);
      Overlay o = open(null);
      assertEquals(List.of(), names(o.readdir(b("e"))), bad);
      o.close();
      overlay = null;
      Files.delete(upper.resolve("e"));
    }
    renamedInUpper("trusted.overlay.redirect", "/d");
    setxattr(upper.resolve("e"), "trusted.overlay.opaque", "y");
    assertEquals(List.of(), names(open(null).readdir(b("e"))), "an opaque directory's redirect is not followed");
  }

  @Test
  void withRedirectDirOnADirectoryWithLowerContentMovesCarryingWhereItCameFrom() throws Exception {
    createRedirects = true;
    Overlay o = open(null);
    o.mkdir(b("n"), 0755, ROOT);
    o.rename(b("d"), b("n/e"));
    assertEquals(List.of("n"), names(o.readdir(b(""))));
    assertEquals(List.of("f"), names(o.readdir(b("n/e"))));
    assertEquals("lower\n", contents(o, "n/e/f"));
    assertEquals("/d", xattr(upper.resolve("n/e"), "trusted.overlay.redirect"));
    o.rename(b("n/e"), b("g"));
    assertEquals("/d", xattr(upper.resolve("g"), "trusted.overlay.redirect"), "still where the lower layer has it");
    o.close();
    overlay = null;
    assertEquals(List.of("f"), names(open(null).readdir(b("g"))), "after a remount");
  }

  @Test
  void withoutFollowingRedirectsARenamedDirectoryShowsItsUpperContentOnly() throws Exception {
    renamedInUpper("trusted.overlay.redirect", "/d");
    Files.writeString(upper.resolve("e/u"), "upper\n");
    followRedirects = false;
    assertEquals(List.of("u"), names(open(null).readdir(b("e"))));
  }

  /** What libfuse does instead of unlinking an open file: renames it to a hidden name of its own. */
  private static final String HIDDEN = "d/.fuse_hidden0000000200000001";

  @Test
  void anOpenFileRemovedByLibfuseIsKeptOutOfTheLayerWithItsOwnerUntilUnlinked() throws Exception {
    Overlay o = open(null);
    o.release(b("d/new"), o.create(b("d/new"), 0644, 0, new Caller(60000, 60000, 1)));
    o.link(b("d/new"), b("d/second"), ROOT);
    OpenFile f = o.open(b("d/new"), io.usernetes.identity.kernel.OpenFlags.O_RDWR);
    o.rename(b("d/new"), b(HIDDEN));
    assertFalse(Files.exists(upper.resolve("d/new"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(upper.resolve(HIDDEN), LinkOption.NOFOLLOW_LINKS), "never in the layer");
    assertEquals(1, workEntries().size(), "kept in the work directory");
    Attr a = o.getattr(b(HIDDEN));
    assertEquals(60000, a.uid(), "the owner from its record");
    assertEquals(1, a.nlink(), "the other name's link; the work directory's is not counted");
    o.chmod(b(HIDDEN), 0600);
    assertEquals(0100600, o.fgetattr(b(HIDDEN), f).mode());
    assertEquals(ErrnoException.EEXIST, assertThrows(ErrnoException.class,
        () -> o.mkdir(b(HIDDEN), 0755, ROOT)).errno(), "the hidden name is taken");
    assertEquals(List.of("f", "second"), o.readdir(b("d")).stream()
        .map(e -> new String(e.name(), StandardCharsets.ISO_8859_1)).sorted().toList(), "not the hidden name");
    o.release(b(HIDDEN), f);
    o.unlink(b(HIDDEN)); // libfuse, after the last release
    assertEquals(List.of(), workEntries());
    assertEquals(ErrnoException.ENOENT, assertThrows(ErrnoException.class, () -> o.getattr(b(HIDDEN))).errno());
  }

  @Test
  void aRemovedFileWhosePathLibfuseLostGoesAtItsLastRelease() throws Exception {
    Overlay o = open(null);
    OpenFile f = o.open(b("d/f"), io.usernetes.identity.kernel.OpenFlags.O_RDWR); // copied up
    o.rename(b("d/f"), b(HIDDEN));
    assertEquals(Stat.S_IFCHR, mode(upper.resolve("d/f")) & Stat.S_IFMT, "whited out");
    assertEquals(0, o.fgetattr(null, f).nlink(), "found by its descriptor");
    o.release(null, f);
    assertEquals(List.of(), workEntries());
  }

  @Test
  void aProcessRenamingAClosedFileToAHiddenLookingNameRenamesIt() throws Exception {
    Overlay o = open(null);
    o.rename(b("d/f"), b(HIDDEN));
    assertEquals("lower\n", Files.readString(upper.resolve(HIDDEN)));
    assertEquals(List.of(), workEntries());
  }

  /** A command's status and output. */
  private record Sh(int status, String out) {
    static Sh run(String... argv) throws Exception {
      Process p = new ProcessBuilder(argv).redirectErrorStream(false).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Sh(p.waitFor(), out);
    }
  }
}
