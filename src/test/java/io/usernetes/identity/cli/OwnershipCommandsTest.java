package io.usernetes.identity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.usernetes.identity.ownership.EntryRecordFiles;
import io.usernetes.identity.ownership.OddNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stat and tree over real files with real xattrs (the tests run as root, as CI does). */
class OwnershipCommandsTest {
  @TempDir Path layer;

  private static void xattr(Path file, String name, String value) throws IOException {
    Files.getFileAttributeView(file, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .write(name.substring("user.".length()), ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1)));
  }

  private static void chown(Path file, int uid, int gid) throws IOException {
    Files.setAttribute(file, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(file, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  @BeforeEach
  void layer() throws IOException {
    Path good = Files.createFile(layer.resolve("good"));
    chown(good, 1633, 1633);
    xattr(good, "user.usernetes.uid", "60000");
    xattr(good, "user.usernetes.gid", "60000");
    Path plain = Files.createFile(layer.resolve("plain"));
    chown(plain, 0, 0);
    Path link = Files.createSymbolicLink(layer.resolve("link"), Path.of("nowhere"));
    chown(link, 2000, 2000);
    EntryRecordFiles.write(layer, "link".getBytes(StandardCharsets.US_ASCII), "65534:65534");
    chown(layer, 0, 0);
  }

  @Test
  void statShowsBothViewsOfAGoodRecordAndOfASymlinksEntryRecord() {
    CliRun run = CliRun.of("stat", layer.resolve("good").toString(), layer.resolve("link").toString(),
        layer.resolve("plain").toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("good: regular\n  uid host 1633, record 60000 -> container 60000 (ok)\n"
        + "  gid host 1633, record 60000 -> container 60000 (ok)\n"), run.out());
    assertTrue(run.out().contains("link: symlink\n  uid host 2000, record 65534 -> container 65534 (ok)"), run.out());
    assertTrue(run.out().contains("plain: regular\n  uid host 0, record none -> container 0 (no record)"), run.out());
  }

  @Test
  void statFlagsDriftedAndCorruptRecords() throws IOException {
    Path forged = Files.createFile(layer.resolve("forged"));
    chown(forged, 1633, 1633);
    xattr(forged, "user.usernetes.uid", "0");
    xattr(forged, "user.usernetes.gid", "60000\n");
    CliRun run = CliRun.of("stat", "--json", forged.toString());
    assertEquals(1, run.status());
    JsonNode f = new ObjectMapper().readTree(run.out()).get(0);
    assertEquals("drifted", f.get("uid").get("status").asText());
    assertEquals(1633, f.get("uid").get("container").asLong());
    assertEquals("corrupt", f.get("gid").get("status").asText());
    assertEquals("60000\\x0a", f.get("gid").get("record").asText());
  }

  @Test
  void aCommittedMovedIdIsJudgedInTheImagesViewWhenItsAccountFilesAreGiven() throws IOException {
    // podman commit of a container whose image has alice (60000) and bob (1428) on 1633: the
    // mount showed alice's files on 1634, her moved pool id, and the commit stored that
    Path committed = Files.createFile(layer.resolve("committed"));
    xattr(committed, "user.containers.override_stat", "1634:1634:0644:file");
    xattr(committed, "user.usernetes.uid", "60000");
    xattr(committed, "user.usernetes.gid", "60000");
    Path passwd = Files.writeString(layer.resolve("passwd"), "bob:x:1428:1428::/:/bin/sh\nalice:x:60000:60000::/:/bin/sh\n");
    Path group = Files.writeString(layer.resolve("group"), "bob:x:1428:\nalice:x:60000:\n");
    CliRun blind = CliRun.of("stat", "--json", committed.toString());
    assertEquals(1, blind.status(), "without the image's users it cannot tell a move from a drift");
    CliRun run = CliRun.of("stat", "--json", "--passwd", passwd.toString(), "--group", group.toString(), committed.toString());
    assertEquals(0, run.status(), run.out() + run.err());
    JsonNode f = new ObjectMapper().readTree(run.out()).get(0);
    assertEquals(60000, f.get("uid").get("container").asLong());
    assertEquals("ok", f.get("gid").get("status").asText());
    Files.delete(passwd);
    Files.delete(group);
  }

  @Test
  void statOfAMissingFileIsExitTwo() {
    CliRun run = CliRun.of("stat", layer.resolve("missing").toString());
    assertEquals(2, run.status());
    assertEquals("identity-map: " + layer.resolve("missing") + ": no such file or directory\n", run.err());
  }

  @Test
  void treeCountsTrueOwnersAndFailsOnProblems() throws IOException {
    CliRun clean = CliRun.of("tree", "--json", layer.toString());
    assertEquals(0, clean.status(), clean.out());
    JsonNode doc = new ObjectMapper().readTree(clean.out());
    assertEquals(4, doc.get("entries").asLong());
    assertEquals(2, doc.get("withRecord").asLong());
    assertEquals(1, doc.get("filesPerUid").get("60000").asLong());
    assertEquals(1, doc.get("filesPerUid").get("65534").asLong());
    assertEquals(2, doc.get("filesPerUid").get("0").asLong());

    Path sub = Files.createDirectory(layer.resolve("sub"));
    Path drifted = Files.createFile(sub.resolve("drifted"));
    chown(drifted, 5, 5);
    xattr(drifted, "user.usernetes.uid", "60000");
    CliRun dirty = CliRun.of("tree", layer.toString());
    assertEquals(1, dirty.status());
    assertTrue(dirty.out().contains("1 bad records, 0 unreadable entries"), dirty.out());
    assertTrue(dirty.out().contains("DRIFTED: the record's id maps to host 1633, the file is owned by 5"),
        dirty.out());
  }

  /** A name that is not UTF-8 is hashed from its exact bytes, not from a decoded String. */
  @Test
  void treeCountsASymlinkWhoseNameIsNotUtf8UnderTheIdOfItsEntryRecord() throws Exception {
    Path dir = Files.createDirectory(layer.resolve("odd"));
    OddNames.symlinkWithRecord(dir, OddNames.NOT_UTF8, 1633, "60000:60000");
    CliRun run = CliRun.of("tree", "--json", dir.toString());
    assertEquals(0, run.status(), run.out() + run.err());
    JsonNode doc = new ObjectMapper().readTree(run.out());
    assertEquals(2, doc.get("entries").asLong(), run.out());
    assertEquals(1, doc.get("withRecord").asLong(), run.out());
    assertEquals(1, doc.get("filesPerUid").get("60000").asLong(), run.out());
    assertEquals(1, doc.get("filesPerGid").get("60000").asLong(), run.out());
  }

  @Test
  void aPathThatIsNotUtf8IsShownQuotedInTextAndInValidJson() throws Exception {
    Path dir = Files.createDirectory(layer.resolve("odd"));
    // root maps to host 0, not 1633: drifted
    OddNames.symlinkWithRecord(dir, new byte[] {'b', (byte) 0xfe}, 1633, "0:0");
    String shown = "\"" + dir + "/b\\xfe\"";
    CliRun text = CliRun.of("tree", dir.toString());
    assertEquals(1, text.status(), text.out() + text.err());
    assertTrue(text.out().contains("\n  " + shown + "\n    uid host 1633, record 0 -> container 1633 (DRIFTED"),
        text.out());
    CliRun json = CliRun.of("tree", "--json", dir.toString());
    assertEquals(shown, new ObjectMapper().readTree(json.out()).get("problems").get(0).get("path").asText());
  }

  @Test
  void treeOfAFileIsExitTwo() {
    CliRun run = CliRun.of("tree", layer.resolve("good").toString());
    assertEquals(2, run.status());
    assertEquals("identity-map: " + layer.resolve("good") + ": not a directory\n", run.err());
  }

  @Test
  void treeReportsProgressOnStderrForBigTreesUnlessQuiet() throws IOException {
    Path big = Files.createDirectory(layer.resolve("big"));
    for (int i = 0; i < io.usernetes.identity.ownership.TreeScan.PROGRESS_EVERY; i++) {
      Files.createFile(big.resolve("f" + i));
    }
    CliRun run = CliRun.of("tree", layer.toString());
    assertEquals(0, run.status(), run.out());
    assertEquals("identity-map: 10000 entries scanned...\n", run.err());
    assertEquals("", CliRun.of("tree", "--quiet", layer.toString()).err());
  }
}
