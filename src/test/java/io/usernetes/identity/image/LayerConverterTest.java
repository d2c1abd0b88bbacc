package io.usernetes.identity.image;

import static io.usernetes.identity.image.Tars.add;
import static io.usernetes.identity.image.Tars.entry;
import static io.usernetes.identity.image.Tars.file;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.primitives.Bytes;
import io.usernetes.identity.idmap.IdMap;
import io.usernetes.identity.ownership.EntryRecords;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

/** Layers written by commons-compress (or by hand, where it cannot), converted, read back by commons-compress. */
class LayerConverterTest {
  private static final String UID = "SCHILY.xattr.user.usernetes.uid";
  private static final String GID = "SCHILY.xattr.user.usernetes.gid";
  private static final String ENTRY = "SCHILY.xattr.user.usernetes.entry";
  private static final byte[] CONTENT = "root:x:0:0::/root:/bin/sh\n".getBytes(StandardCharsets.US_ASCII);

  private record Converted(LayerConverter.Counts counts, byte[] tar) {
    List<Tars.Read> entries() throws IOException {
      return Tars.read(tar);
    }

    Map<String, Tars.Read> byName() throws IOException {
      return entries().stream().collect(Collectors.toMap(Tars.Read::name, r -> r));
    }

    TarArchiveEntry get(String name) throws IOException {
      Tars.Read r = byName().get(name);
      assertTrue(r != null, name + " in " + entries().stream().map(Tars.Read::name).toList());
      return r.entry();
    }
  }

  private static Converted convert(byte[] tar) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerConverter.Counts counts = new LayerConverter(IdMap.defaultMap(), IdMap.defaultMap())
        .convert(new ByteArrayInputStream(tar), out);
    return new Converted(counts, out.toByteArray());
  }

  private static Converted convert(Tars.Entries entries) throws IOException {
    return convert(Tars.tar(entries));
  }

  private static String key(String name) {
    return new String(EntryRecords.key(name.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
  }

  private static Map<String, String> usernetesRecords(TarArchiveEntry e) {
    return e.getExtraPaxHeaders().entrySet().stream().filter(h -> h.getKey().contains("usernetes"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private static TarArchiveEntry special(String name, byte type, long uid, long gid) {
    TarArchiveEntry e = entry(name, type, uid, gid);
    if (type == TarConstants.LF_SYMLINK || type == TarConstants.LF_LINK) {
      e.setLinkName("target");
    }
    return e;
  }

  // --- hand-built tars: what commons-compress cannot write ---

  private static void octal(byte[] block, int offset, int length, long value) {
    byte[] digits = String.format("%0" + (length - 1) + "o", value).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, block, offset, length - 1);
    block[offset + length - 1] = 0;
  }

  /** A ustar header block, its checksum computed as tar does. */
  private static byte[] ustar(String name, char type, long uid, long gid, long size, String linkName) {
    return ustar("", name, type, uid, gid, size, linkName);
  }

  private static byte[] ustar(String prefix, String name, char type, long uid, long gid, long size, String linkName) {
    byte[] h = new byte[512];
    byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(p, 0, h, 345, p.length);
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, h, 0, n.length);
    octal(h, 100, 8, type == '5' ? 0755 : 0644);
    octal(h, 108, 8, uid);
    octal(h, 116, 8, gid);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 1_700_000_000L);
    h[156] = (byte) type;
    byte[] l = linkName.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(l, 0, h, 157, l.length);
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xFF;
    }
    byte[] checksum = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(checksum, 0, h, 148, 6);
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static byte[] padded(byte[] data) {
    return Arrays.copyOf(data, (data.length + 511) / 512 * 512);
  }

  /** One pax record, its length counting its own digits. */
  private static byte[] paxRecord(String key, byte[] value) {
    int body = 1 + key.length() + 1 + value.length + 1;
    int length = body + Integer.toString(body).length();
    if (Integer.toString(length).length() != Integer.toString(body).length()) {
      length++;
    }
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    r.writeBytes((length + " " + key + "=").getBytes(StandardCharsets.US_ASCII));
    r.writeBytes(value);
    r.write('\n');
    assertEquals(length, r.size());
    return r.toByteArray();
  }

  private static byte[] paxHeader(byte[] records) {
    return Bytes.concat(ustar("PaxHeaders/x", 'x', 0, 0, records.length, ""), padded(records));
  }

  private static byte[] end() {
    return new byte[1024];
  }

  // --- owners and records of regular files and directories ---

  @Test
  void aRegularFileOfAPooledIdGetsItsPoolIdAndBothRecords() throws IOException {
    Converted c = convert(tar -> file(tar, "home/alice/notes", 60000, 60000, CONTENT));
    TarArchiveEntry notes = c.get("home/alice/notes");
    assertEquals(1633, notes.getLongUserId());
    assertEquals(1633, notes.getLongGroupId());
    assertEquals(Map.of(UID, "60000", GID, "60000"), usernetesRecords(notes));
  }

  @Test
  void aDirectoryGetsARecordOnlyForTheIdThatNeedsOne() throws IOException {
    Converted c = convert(tar -> add(tar, entry("srv/app/", TarConstants.LF_DIR, 1000, 0)));
    TarArchiveEntry dir = c.get("srv/app/");
    assertTrue(dir.isDirectory());
    assertEquals(1520, dir.getLongUserId());
    assertEquals(0, dir.getLongGroupId());
    assertEquals(Map.of(UID, "1000"), usernetesRecords(dir));
  }

  @Test
  void anIdPinnedToItselfGetsNoRecord() throws IOException {
    Converted c = convert(tar -> file(tar, "etc/passwd", 0, 0, CONTENT));
    assertEquals(0, c.get("etc/passwd").getLongUserId());
    assertEquals(0, c.get("etc/passwd").getLongGroupId());
    assertEquals(Map.of(), usernetesRecords(c.get("etc/passwd")));
    assertEquals(new LayerConverter.Counts(1, 0), c.counts());
  }

  @Test
  void anIdPinnedToAnotherHostIdIsRecorded() throws IOException {
    // the mount shows a file without a record as its host id (IdOwnership: NO_RECORD), so
    // nobody's files on 2000 need the record that says 65534, as the mount itself writes one
    Converted c = convert(tar -> file(tar, "var/nobody", 65534, 65534, CONTENT));
    TarArchiveEntry nobody = c.get("var/nobody");
    assertEquals(2000, nobody.getLongUserId());
    assertEquals(2000, nobody.getLongGroupId());
    assertEquals(Map.of(UID, "65534", GID, "65534"), usernetesRecords(nobody));
  }

  @Test
  void aTarOfRootsFilesComesOutAsItWent() throws IOException {
    byte[] in = Tars.tar(tar -> {
      add(tar, entry("etc/", TarConstants.LF_DIR, 0, 0));
      file(tar, "etc/passwd", 0, 0, CONTENT);
    });
    byte[] out = convert(in).tar();
    // commons-compress pads the archive to its 10 KiB record; the converter ends after the end
    // blocks. Owner fields that keep their value are left as they were written, checksums too.
    assertArrayEquals(Arrays.copyOf(in, out.length), out);
  }

  @Test
  void anIdBeyondTheHeaderFieldInAPaxRecordIsConvertedThereAndRecorded() throws IOException {
    long big = 3_000_000_000L;
    long pool = IdMap.defaultMap().toHost(big);
    Converted c = convert(tar -> file(tar, "data/big", big, 0, CONTENT));
    TarArchiveEntry e = c.get("data/big");
    assertEquals(pool, e.getLongUserId());
    assertEquals(Map.of(UID, Long.toString(big)), usernetesRecords(e));
  }

  @Test
  void contentAndOtherXattrsPassThrough() throws IOException {
    Converted c = convert(tar -> {
      TarArchiveEntry e = entry("home/alice/notes", TarConstants.LF_NORMAL, 60000, 60000);
      e.addPaxHeader("SCHILY.xattr.user.other", "abc");
      add(tar, e, CONTENT);
    });
    Tars.Read notes = c.byName().get("home/alice/notes");
    assertArrayEquals(CONTENT, notes.data());
    assertEquals("abc", notes.entry().getExtraPaxHeader("SCHILY.xattr.user.other"));
    assertEquals("60000", notes.entry().getExtraPaxHeader(UID));
  }

  @Test
  void aBinaryXattrValueIsPassedOnByteForByte() throws IOException {
    byte[] capability = {0x01, 0x00, 0x00, 0x02, (byte) 0xff, 0x00};
    byte[] record = paxRecord("SCHILY.xattr.security.capability", capability);
    byte[] data = "#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII);
    byte[] in = Bytes.concat(paxHeader(record), ustar("usr/bin/ping", '0', 60000, 60000, data.length, ""),
        padded(data), end());

    Converted c = convert(in);

    assertTrue(Bytes.indexOf(c.tar(), record) >= 0, "the capability record as it was");
    TarArchiveEntry ping = c.get("usr/bin/ping");
    assertEquals(1633, ping.getLongUserId());
    assertEquals("60000", ping.getExtraPaxHeader(UID));
    assertArrayEquals(data, c.byName().get("usr/bin/ping").data());
  }

  @Test
  void aLongNameKeepsItsNameAndGetsItsRecord() throws IOException {
    String dir = "opt/" + "d".repeat(120) + "/";
    Converted c = convert(tar -> {
      file(tar, dir + "file", 60000, 60000, CONTENT);
      add(tar, special(dir + "link", TarConstants.LF_SYMLINK, 60000, 60000));
    });
    assertEquals("60000", c.get(dir + "file").getExtraPaxHeader(UID));
    assertEquals(1633, c.get(dir + "link").getLongUserId());
    // the record's path is longer than a ustar name field too
    assertEquals("60000:60000", c.get(dir + ".wh..wh.usernetes/" + key("link")).getExtraPaxHeader(ENTRY));
  }

  @Test
  void aUstarPrefixIsPartOfTheName() throws IOException {
    String prefix = "usr/share/" + "p".repeat(100);
    byte[] in = Bytes.concat(ustar(prefix, "link", '2', 60000, 60000, 0, "target"), end());
    Converted c = convert(in);
    assertEquals(List.of(prefix + "/link", prefix + "/.wh..wh.usernetes/" + key("link")),
        c.entries().stream().map(Tars.Read::name).toList());
  }

  @Test
  void aBase256OwnerIsReadAndRewritten() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
      file(tar, "data/big", 3_000_000_000L, 60000, CONTENT);
    }
    byte[] in = bytes.toByteArray();
    assertEquals((byte) 0x80, in[108], "commons-compress wrote a base-256 uid");
    TarArchiveEntry e = convert(in).get("data/big");
    assertEquals(IdMap.defaultMap().toHost(3_000_000_000L), e.getLongUserId());
    assertEquals(Map.of(UID, "3000000000", GID, "60000"), usernetesRecords(e));
  }

  @Test
  void gnuLongNameBlocksArePassedOnAsTheyWere() throws IOException {
    String name = "opt/" + "g".repeat(150) + "/file";
    byte[] in = Tars.tar(TarArchiveOutputStream.LONGFILE_GNU, tar -> file(tar, name, 60000, 60000, CONTENT));
    assertEquals('L', in[156], "commons-compress wrote a GNU long name");

    Converted c = convert(in);

    assertArrayEquals(Arrays.copyOf(in, 1024), Arrays.copyOf(c.tar(), 1024));
    TarArchiveEntry e = c.get(name);
    assertEquals(1633, e.getLongUserId());
    assertEquals("60000", e.getExtraPaxHeader(UID));
  }

  // --- symlinks and special files: entry records ---

  @Test
  void aSymlinkIsFollowedByItsEntryRecord() throws IOException {
    Converted c = convert(tar -> add(tar, special("home/alice/link", TarConstants.LF_SYMLINK, 60000, 60000)));
    List<Tars.Read> entries = c.entries();
    assertEquals(2, entries.size());
    TarArchiveEntry link = entries.get(0).entry();
    assertTrue(link.isSymbolicLink());
    assertEquals("target", link.getLinkName());
    assertEquals(1633, link.getLongUserId());
    assertEquals(1633, link.getLongGroupId());
    assertEquals(Map.of(), usernetesRecords(link));
    TarArchiveEntry record = entries.get(1).entry();
    assertEquals("home/alice/.wh..wh.usernetes/" + key("link"), record.getName());
    assertTrue(record.isFile());
    assertEquals(0, record.getSize());
    assertEquals(Map.of(ENTRY, "60000:60000"), usernetesRecords(record));
  }

  @Test
  void aTopLevelSymlinksRecordPathHasNoLeadingSlash() throws IOException {
    Converted c = convert(tar -> add(tar, special("link", TarConstants.LF_SYMLINK, 60000, 60000)));
    assertEquals(List.of("link", ".wh..wh.usernetes/" + key("link")),
        c.entries().stream().map(Tars.Read::name).toList());
  }

  @Test
  void fifosAndDevicesGetEntryRecordsWithAnEmptyHalfWhereNoRecordIsNeeded() throws IOException {
    Converted c = convert(tar -> {
      add(tar, special("dev/fifo", TarConstants.LF_FIFO, 1000, 1000));
      TarArchiveEntry chr = special("dev/tty9", TarConstants.LF_CHR, 60000, 0);
      chr.setDevMajor(4);
      chr.setDevMinor(9);
      add(tar, chr);
      add(tar, special("dev/sda9", TarConstants.LF_BLK, 0, 60000));
    });
    assertTrue(c.get("dev/fifo").isFIFO());
    assertEquals(1520, c.get("dev/fifo").getLongUserId());
    assertEquals("1000:1000", c.get("dev/.wh..wh.usernetes/" + key("fifo")).getExtraPaxHeader(ENTRY));
    TarArchiveEntry chr = c.get("dev/tty9");
    assertTrue(chr.isCharacterDevice());
    assertEquals(4, chr.getDevMajor());
    assertEquals(9, chr.getDevMinor());
    assertEquals(1633, chr.getLongUserId());
    assertEquals(0, chr.getLongGroupId());
    assertEquals("60000:", c.get("dev/.wh..wh.usernetes/" + key("tty9")).getExtraPaxHeader(ENTRY));
    assertEquals(":60000", c.get("dev/.wh..wh.usernetes/" + key("sda9")).getExtraPaxHeader(ENTRY));
    assertEquals(new LayerConverter.Counts(3, 3), c.counts());
  }

  @Test
  void aSymlinkOfPinnedIdsGetsNoEntryRecord() throws IOException {
    Converted c = convert(tar -> add(tar, special("bin/sh", TarConstants.LF_SYMLINK, 0, 0)));
    assertEquals(List.of("bin/sh"), c.entries().stream().map(Tars.Read::name).toList());
  }

  // --- markers and hard links ---

  @Test
  void aWhiteoutGetsItsPoolIdButNoRecord() throws IOException {
    Converted c = convert(tar -> {
      file(tar, "home/.wh.gone", 60000, 60000, new byte[0]);
      file(tar, "home/alice/.wh..wh..opq", 60000, 60000, new byte[0]);
    });
    assertEquals(1633, c.get("home/.wh.gone").getLongUserId());
    assertEquals(Map.of(), usernetesRecords(c.get("home/.wh.gone")));
    assertEquals(Map.of(), usernetesRecords(c.get("home/alice/.wh..wh..opq")));
    assertEquals(new LayerConverter.Counts(2, 0), c.counts());
  }

  @Test
  void aHardLinkGetsThePoolOwnerOnly() throws IOException {
    Converted c = convert(tar -> {
      file(tar, "home/alice/notes", 60000, 60000, CONTENT);
      add(tar, special("home/alice/again", TarConstants.LF_LINK, 60000, 60000));
    });
    assertEquals(List.of("home/alice/notes", "home/alice/again"), c.entries().stream().map(Tars.Read::name).toList());
    TarArchiveEntry link = c.get("home/alice/again");
    assertTrue(link.isLink());
    assertEquals("target", link.getLinkName());
    assertEquals(1633, link.getLongUserId());
    assertEquals(Map.of(), usernetesRecords(link));
    assertEquals(new LayerConverter.Counts(2, 1), c.counts());
  }

  @Test
  void anUnchangedPaxHeaderIsPassedOnAsItWasWritten() throws IOException {
    // "12 path=etc\n" would be its shortest form; a length with a leading zero is valid too
    byte[] records = "013 path=etc\n".getBytes(StandardCharsets.US_ASCII);
    byte[] in = Bytes.concat(paxHeader(records), ustar("etc", '5', 0, 0, 0, ""), end());
    assertArrayEquals(in, convert(in).tar());
  }

  @Test
  void aHardLinkToARecordedSymlinkGetsARecordOfItsOwn() throws IOException {
    // entry records are kept by name, so the second name of the symlink needs its own
    Converted c = convert(tar -> {
      TarArchiveEntry link = entry("home/alice/link", TarConstants.LF_SYMLINK, 60000, 60000);
      link.setLinkName("notes");
      add(tar, link);
      TarArchiveEntry again = entry("home/alice/again", TarConstants.LF_LINK, 60000, 60000);
      again.setLinkName("./home/alice/link");
      add(tar, again);
    });
    assertEquals("60000:60000", usernetesRecords(c.get("home/alice/.wh..wh.usernetes/" + key("link")))
        .get("SCHILY.xattr.user.usernetes.entry"));
    assertEquals("60000:60000", usernetesRecords(c.get("home/alice/.wh..wh.usernetes/" + key("again")))
        .get("SCHILY.xattr.user.usernetes.entry"));
    assertEquals(new LayerConverter.Counts(2, 2), c.counts());
  }

  @Test
  void theCountsAreTheEntriesReadAndTheRecordsWritten() throws IOException {
    Converted c = convert(tar -> {
      add(tar, entry("etc/", TarConstants.LF_DIR, 0, 0));
      file(tar, "etc/passwd", 0, 0, CONTENT);
      add(tar, entry("home/alice/", TarConstants.LF_DIR, 60000, 60000));
      file(tar, "home/alice/notes", 60000, 60000, CONTENT);
      add(tar, special("home/alice/link", TarConstants.LF_SYMLINK, 60000, 60000));
      add(tar, special("home/alice/again", TarConstants.LF_LINK, 60000, 60000));
      file(tar, "home/.wh.bob", 1428, 1428, new byte[0]);
    });
    assertEquals(new LayerConverter.Counts(7, 3), c.counts());
    assertEquals(8, c.entries().size());
  }

  // --- what archive/tar reads differently from a naive reader ---

  @Test
  void aSymlinksSizeFieldIsNotData() throws IOException {
    // Go's archive/tar (containerd's reader) takes no data for a symlink, whatever its size
    byte[] data = "hi".getBytes(StandardCharsets.US_ASCII);
    byte[] in = Bytes.concat(ustar("link", '2', 60000, 60000, 512, "target"),
        ustar("after", '0', 60000, 60000, data.length, ""), padded(data), end());

    Converted c = convert(in);

    assertEquals(new LayerConverter.Counts(2, 2), c.counts());
    byte[] out = c.tar();
    assertEquals('2', out[156]);
    assertEquals("0003141", new String(out, 108, 7, StandardCharsets.US_ASCII)); // 1633
    int after = -1;
    for (int at = 0; at < out.length; at += 512) {
      if (new String(out, at, 6, StandardCharsets.US_ASCII).equals("after\0")) {
        after = at;
      }
    }
    assertTrue(after > 0, "the entry after the symlink");
    assertEquals('0', out[after + 156]);
    assertEquals("0003141", new String(out, after + 108, 7, StandardCharsets.US_ASCII));
    assertArrayEquals(data, Arrays.copyOfRange(out, after + 512, after + 514));
    assertTrue(Bytes.indexOf(out, paxRecord(UID, "60000".getBytes(StandardCharsets.US_ASCII))) >= 0);
  }

  // --- the entries and names Go's archive/tar (containerd's reader) sees ---
  // A pax path overrides the header's name unless it is empty (mergePAX: "keep the original USTAR
  // value"); a GNU long name overrides both; a global header between a pax header and its entry
  // replaces the pax records; type NUL with a trailing slash is a directory, header only. A
  // converter that names or splits entries otherwise puts records where containerd does not look,
  // and lets entries past its refusals. Refusing such a layer would be as good as following Go.

  private static final byte[] EMPTY_PATH = paxRecord("path", new byte[0]);

  private static byte[] gnuLongName(String name) {
    byte[] data = (name + "\0").getBytes(StandardCharsets.US_ASCII);
    return Bytes.concat(ustar("././@LongLink", 'L', 0, 0, data.length, ""), padded(data));
  }

  /** The converted layer, or null when it was refused. */
  private static byte[] convertedOrNull(byte[] in) {
    try {
      return convert(in).tar();
    } catch (IOException refused) {
      return null;
    }
  }

  private static void assertRecordNamed(byte[] out, String record) {
    if (out != null) {
      // commons-compress does not read names as Go does: look for the name's bytes
      assertTrue(Bytes.indexOf(out, record.getBytes(StandardCharsets.US_ASCII)) >= 0, "a record named " + record);
    }
  }

  @Test
  void anEmptyPaxPathKeepsTheHeadersName() {
    byte[] in = Bytes.concat(paxHeader(EMPTY_PATH), ustar("home/alice/link", '2', 60000, 60000, 0, "target"), end());
    assertRecordNamed(convertedOrNull(in), "home/alice/.wh..wh.usernetes/" + key("link"));
  }

  @Test
  void anEntriesDirectoryBehindAnEmptyPaxPathIsRefused() {
    byte[] in = Bytes.concat(paxHeader(EMPTY_PATH), ustar("a/.wh..wh.usernetes/x", '0', 0, 0, 0, ""), end());
    assertThrows(IOException.class, () -> convert(in));
  }

  @Test
  void aGnuLongNameOverridesAPaxPath() {
    String dir = "home/" + "a".repeat(100) + "/";
    byte[] in = Bytes.concat(paxHeader(paxRecord("path", "elsewhere".getBytes(StandardCharsets.US_ASCII))),
        gnuLongName(dir + "link"), ustar("short", '2', 60000, 60000, 0, "target"), end());
    assertRecordNamed(convertedOrNull(in), dir + ".wh..wh.usernetes/" + key("link"));
  }

  @Test
  void anEntriesDirectoryInAGnuLongNameBehindAPaxPathIsRefused() {
    byte[] in = Bytes.concat(paxHeader(paxRecord("path", "a/x".getBytes(StandardCharsets.US_ASCII))),
        gnuLongName("a/.wh..wh.usernetes/" + "x".repeat(100)), ustar("a/x", '0', 0, 0, 0, ""), end());
    assertThrows(IOException.class, () -> convert(in));
  }

  @Test
  void anEntriesDirectoryBehindAGlobalHeaderIsRefused() {
    byte[] global = paxRecord("comment", "built".getBytes(StandardCharsets.US_ASCII));
    byte[] in = Bytes.concat(paxHeader(paxRecord("path", "a/x".getBytes(StandardCharsets.US_ASCII))),
        ustar("pax_global_header", 'g', 0, 0, global.length, ""), padded(global),
        ustar("a/.wh..wh.usernetes/x", '0', 0, 0, 0, ""), end());
    assertThrows(IOException.class, () -> convert(in));
  }

  @Test
  void aGlobalHeaderAtTheEndIsNoEntry() throws IOException {
    // some archivers write a global header last; to archive/tar it is an entry containerd skips
    byte[] global = paxRecord("comment", "built".getBytes(StandardCharsets.US_ASCII));
    byte[] in = Bytes.concat(ustar("etc", '5', 0, 0, 0, ""),
        ustar("pax_global_header", 'g', 0, 0, global.length, ""), padded(global), end());
    assertEquals(new LayerConverter.Counts(1, 0), convert(in).counts());
  }

  @Test
  void aV7EntryWhoseNameEndsInASlashIsADirectoryWithoutData() throws IOException {
    byte[] data = "hi".getBytes(StandardCharsets.US_ASCII);
    byte[] in = Bytes.concat(ustar("old/", '\0', 0, 0, 512, ""),
        ustar("old/after", '0', 60000, 60000, data.length, ""), padded(data), end());
    Converted c = convert(in);
    assertEquals(new LayerConverter.Counts(2, 1), c.counts());
    assertTrue(Bytes.indexOf(c.tar(), paxRecord(UID, "60000".getBytes(StandardCharsets.US_ASCII))) >= 0);
  }

  @Test
  void aRecordHiddenInTheSizeOfAV7DirectoryIsRefused() {
    // archive/tar unpacks what follows the directory's header as entries
    byte[] forged = Bytes.concat(paxHeader(paxRecord(UID, "0".getBytes(StandardCharsets.US_ASCII))),
        ustar("etc/shadow", '0', 1633, 1633, 0, ""));
    byte[] in = Bytes.concat(ustar("old/", '\0', 0, 0, forged.length, ""), forged, end());
    assertThrows(IOException.class, () -> convert(in));
  }

  // --- refusals ---

  @Test
  void aLayerWithAnEntriesDirectoryIsRefused() throws IOException {
    byte[] in = Tars.tar(tar -> file(tar, "a/.wh..wh.usernetes/x", 0, 0, new byte[0]));
    IOException e = assertThrows(IOException.class, () -> convert(in));
    assertTrue(e.getMessage().contains("a/.wh..wh.usernetes/x"), e.getMessage());
  }

  @Test
  void aLayerWithOurXattrRecordsIsRefused() throws IOException {
    byte[] in = Tars.tar(tar -> {
      TarArchiveEntry f = entry("home/alice/notes", TarConstants.LF_NORMAL, 1633, 1633);
      f.addPaxHeader(UID, "0");
      add(tar, f, CONTENT);
    });
    IOException e = assertThrows(IOException.class, () -> convert(in));
    assertTrue(e.getMessage().contains("home/alice/notes"), e.getMessage());
    assertTrue(e.getMessage().contains("user.usernetes.uid"), e.getMessage());
  }

  @Test
  void aBadHeaderChecksumIsRefused() throws IOException {
    byte[] in = Tars.tar(tar -> file(tar, "etc/passwd", 0, 0, CONTENT));
    in[0] = 'f'; // "etc/passwd" becomes "ftc/passwd", the checksum unchanged
    IOException e = assertThrows(IOException.class, () -> convert(in));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
  }

  @Test
  void twoPaxHeadersForOneEntryAreRefused() {
    byte[] in = Bytes.concat(paxHeader(paxRecord("uid", "0".getBytes(StandardCharsets.US_ASCII))),
        paxHeader(paxRecord("uid", "60000".getBytes(StandardCharsets.US_ASCII))),
        ustar("file", '0', 0, 0, 0, ""), end());
    IOException e = assertThrows(IOException.class, () -> convert(in));
    assertTrue(e.getMessage().contains("two pax headers"), e.getMessage());
  }

  @Test
  void aGnuSparseEntryIsRefused() {
    byte[] in = Bytes.concat(ustar("sparse", 'S', 0, 0, 0, ""), end());
    IOException e = assertThrows(IOException.class, () -> convert(in));
    assertTrue(e.getMessage().contains("sparse"), e.getMessage());
  }

  @Test
  void anArchiveEndingInsideAnEntrysHeadersIsRefused() {
    byte[] in = Bytes.concat(paxHeader(paxRecord("uid", "0".getBytes(StandardCharsets.US_ASCII))), end());
    assertThrows(IOException.class, () -> convert(in));
  }

  @Test
  void aStreamThatEndsBeforeTheEndBlocksEndsThere() throws IOException {
    byte[] in = ustar("file", '0', 60000, 60000, 0, "");
    Converted c = convert(in);
    assertEquals(new LayerConverter.Counts(1, 1), c.counts());
    assertEquals(Map.of(UID, "60000", GID, "60000"), usernetesRecords(c.get("file")));
  }
}
