package io.usernetes.identity.mount.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.usernetes.identity.config.ReportMode;
import io.usernetes.identity.config.Setting;
import io.usernetes.identity.idmap.IdMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.event.Level;

class MountOptionsTest {
  private static MountOptions parse(String options) {
    return MountOptions.parse(options);
  }

  private static String error(String options) {
    return assertThrows(MountUsageException.class, () -> MountOptions.parse(options)).getMessage();
  }

  @Test
  void nothingGivenMeansFuseOverlayfsDefaults() {
    MountOptions o = parse("");
    assertEquals(List.of(), o.layers().lowerDirs());
    assertEquals(OverlayTuning.DEFAULTS, o.tuning());
    assertEquals(FuseMountFlags.NONE, o.fuse());
    assertEquals(IdentityOptions.NONE, o.identity());
    assertEquals(XattrPermissions.NONE, o.ownership().xattrPermissions());
    assertEquals(Optional.empty(), o.context());
    assertFalse(o.debug());
    assertEquals("", o.toOptionString());
  }

  @Test
  void podmanSelinuxAndMappingOptions() {
    // The example from the reference: quoted context with commas, keep-id-like mapping.
    MountOptions o = parse("lowerdir=/s/l/ABC:/s/l/DEF,upperdir=/s/X/diff,workdir=/s/X/work,"
        + "volatile,context=\"system_u:object_r:container_file_t:s0:c10,c20\","
        + "uidmapping=0:1:1000:1000:0:1:1001:1001:64536,gidmapping=0:1:1000:1000:0:1:1001:1001:64536");
    assertEquals(Optional.of("system_u:object_r:container_file_t:s0:c10,c20"), o.context());
    List<IdMapping> keepId = List.of(new IdMapping(0, 1, 1000), new IdMapping(1000, 0, 1),
        new IdMapping(1001, 1001, 64536));
    assertEquals(keepId, o.ownership().uidMapping());
    assertEquals(keepId, o.ownership().gidMapping());
    assertFalse(o.tuning().fsync());
    assertEquals(List.of(), o.ignoredOptions());
  }

  @Test
  void quotedContextWithCommasIsOneOption() {
    MountOptions o = parse("context=\"system_u:object_r:container_file_t:s0:c1,c2\",lowerdir=/a");
    assertEquals(Optional.of("system_u:object_r:container_file_t:s0:c1,c2"), o.context());
    assertEquals(List.of("/a"), o.layers().lowerDirs());
    assertEquals(Optional.of(""), parse("context=").context());
  }

  @Test
  void escapedColonsAndBackslashesInLowerdir() {
    assertEquals(List.of("/lower:1", "/b\\c", "/d"),
        parse("lowerdir=/lower\\:1:/b\\\\c:/d").layers().lowerDirs());
    assertEquals(List.of("/a,b"), parse("lowerdir=/a\\,b").layers().lowerDirs());
    assertEquals(List.of("/x:y", "/z"), parse("lowerdir=\"/x:y\":/z").layers().lowerDirs());
  }

  @Test
  void pathsAreKeptAsGiven() {
    MountOptions o = parse("lowerdir=l/A/../B:./c//,upperdir=u/,workdir= w");
    assertEquals(List.of("l/A/../B", "./c//"), o.layers().lowerDirs());
    assertEquals(Optional.of("u/"), o.layers().upperDir());
    assertEquals(Optional.of(" w"), o.layers().workDir());
  }

  @Test
  void volatileAndFsyncLaterWins() {
    assertFalse(parse("volatile").tuning().fsync());
    assertFalse(parse("fsync=0").tuning().fsync());
    assertTrue(parse("volatile,fsync=1").tuning().fsync());
    assertFalse(parse("fsync=1,volatile").tuning().fsync());
  }

  @Test
  void ownershipOptions() {
    Ownership o = parse("squash_to_root,squash_to_uid=1000,xattr_permissions=2").ownership();
    assertTrue(o.squashToRoot());
    assertEquals(OptionalLong.of(1000), o.squashedUid());
    assertEquals(OptionalLong.of(0), o.squashedGid());
    assertEquals(XattrPermissions.USER, o.xattrPermissions());
    assertEquals(Optional.of("user.containers.override_stat"), o.xattrPermissions().xattrName());
    assertEquals(OptionalLong.of(5), parse("squash_to_gid=5").ownership().squashedGid());
    assertEquals(OptionalLong.empty(), parse("squash_to_gid=5").ownership().squashedUid());
    assertEquals(XattrPermissions.SECURITY, parse("xattr_permissions=1").ownership().xattrPermissions());
    assertEquals(XattrPermissions.NONE, parse("xattr_permissions=0").ownership().xattrPermissions());
  }

  @Test
  void tuningOptions() {
    OverlayTuning t = parse("static_nlink,noacl,xino=auto,ino32_t,fast_ino=1,threaded=1,"
        + "writeback=0,timeout=0.5,noxattrs=1,plugins=a.so:b.so,redirect_dir=off").tuning();
    assertTrue(t.staticNlink());
    assertTrue(t.noAcl());
    assertEquals(Xino.AUTO, t.xino());
    assertTrue(t.ino32());
    assertTrue(t.fastIno());
    assertEquals(Optional.of(true), t.threaded());
    assertFalse(t.writeback());
    assertEquals(Optional.of(Duration.ofMillis(500)), t.timeout());
    assertTrue(t.noXattrs());
    assertEquals(List.of("a.so", "b.so"), t.plugins());
    assertEquals(Xino.ON, parse("xino=on").tuning().xino());
    assertEquals(Xino.OFF, parse("xino=auto,xino=off").tuning().xino());
    assertEquals(Optional.of(false), parse("threaded=0").tuning().threaded());
    assertEquals(Optional.of(Duration.ofSeconds(1_000_000_000)),
        parse("timeout=1000000000").tuning().timeout());
    assertEquals(List.of(), parse("plugins=").tuning().plugins());
    assertEquals(RedirectDir.OFF, t.redirectDir());
    assertEquals(RedirectDir.FOLLOW, parse("redirect_dir=follow").tuning().redirectDir());
    assertTrue(parse("redirect_dir=on").tuning().redirectDir().creates());
    assertFalse(t.redirectDir().creates());
    assertFalse(parse("redirect_dir=nofollow").tuning().redirectDir().follows());
    assertTrue(OverlayTuning.DEFAULTS.redirectDir().follows(), "layers the kernel overlay wrote read as there");
  }

  @Test
  void fuseFlagsAreKeptStructuredAndLaterWins() {
    FuseMountFlags f = parse("ro,rw,nodev,nosuid,noexec,noatime,nodiratime,max_write=131072,"
        + "allow_other,default_permissions,kernel_cache,splice_read,splice_write,splice_move,"
        + "big_writes,allow_root").fuse();
    assertEquals(Optional.of(false), f.readOnly());
    assertEquals(Optional.of(false), f.dev());
    assertEquals(Optional.of(false), f.suid());
    assertEquals(Optional.of(false), f.exec());
    assertEquals(Optional.of(false), f.atime());
    assertEquals(Optional.of(false), f.dirAtime());
    assertEquals(OptionalInt.of(131072), f.maxWrite());
    assertEquals(List.of("rw", "nodev", "nosuid", "noexec", "noatime", "nodiratime",
        "max_write=131072"), f.mountOptions());
    assertEquals(List.of("allow_other", "default_permissions", "kernel_cache", "splice_read",
        "splice_write", "splice_move", "big_writes", "allow_root"), f.acceptedOnly());
    assertEquals(List.of("ro", "dev", "suid", "exec", "atime", "diratime"),
        parse("ro,dev,suid,exec,atime,diratime").fuse().mountOptions());
  }

  @Test
  void roMakesTheMountReadOnlyEvenWithAnUpperLayer() {
    MountOptions o = parse("lowerdir=/l,upperdir=/u,workdir=/w,ro");
    assertFalse(o.layers().readOnly());
    assertTrue(o.readOnly());
  }

  @Test
  void ownOptions() {
    IdentityOptions i = parse("uid_map=0:0:1/1:1:1999/65534:2000:2,gid_map=0:0:1;1:1:500,"
        + "report_mode=HOST,log_file=/tmp/log\\,1,log_level=debug").identity();
    assertEquals(Optional.of(IdMap.defaultMap()), i.uidMap());
    assertEquals(Optional.of(IdMap.parse("0:0:1,1:1:500")), i.gidMap());
    assertEquals(Optional.of(ReportMode.HOST), i.reportMode());
    assertEquals(Optional.of("/tmp/log,1"), i.logFile());
    assertEquals(Optional.of(Level.DEBUG), i.logLevel());
    assertEquals(Map.of(Setting.UID_MAP, IdMap.DEFAULT_SPEC, Setting.GID_MAP, "0:0:1,1:1:500",
        Setting.REPORT_MODE, "host", Setting.LOG_FILE, "/tmp/log,1", Setting.LOG_LEVEL, "debug"),
        i.settings());
    assertEquals(Map.of(), IdentityOptions.NONE.settings());
  }

  @Test
  void ownMapMayBeQuotedWithCommas() {
    assertEquals(Optional.of(IdMap.defaultMap()),
        parse("uid_map=\"0:0:1,1:1:1999,65534:2000:2\"").identity().uidMap());
  }

  @Test
  void unknownOptionsAreCollectedNotRefused() {
    MountOptions o = parse("lowerdir=/a,userxattr,metacopy=on,x-foo=\"a,b\",Lowerdir=/b, ro");
    assertEquals(List.of("userxattr", "metacopy=on", "x-foo=\"a,b\"", "Lowerdir=/b", " ro"),
        o.ignoredOptions());
    assertEquals(List.of("/a"), o.layers().lowerDirs());
  }

  @Test
  void canonicalOptionString() {
    MountOptions o = parse("workdir=/w,upperdir=/u,lowerdir=/a\\:1:/b,fsync=0,"
        + "context=\"s0:c1,c2\",foo,uid_map=0:0:1/1:1:1999/65534:2000:2,nodev,uidmapping=0:1:5");
    assertEquals("lowerdir=/a\\:1:/b,upperdir=/u,workdir=/w,uidmapping=0:1:5,volatile,nodev,"
        + "context=\"s0:c1,c2\",uid_map=0:0:1/1:1:1999/65534:2000:2,foo", o.toOptionString());
    assertEquals(o.toOptionString(), o.toString());
    assertEquals(o, parse(o.toOptionString()));
  }

  @Test
  void everyValueErrorNamesTheOption() {
    assertEquals("option \"lowerdir\" is empty", error("lowerdir="));
    assertEquals("option \"lowerdir\": layer 2 of \"/a::/b\" is empty", error("lowerdir=/a::/b"));
    assertEquals("option \"lowerdir\": layer 2 of \"/a:\" is empty", error("lowerdir=/a:"));
    assertEquals("option \"upperdir\" is empty", error("upperdir=,workdir=/w"));
    assertEquals("option \"workdir\" is empty", error("workdir="));
    assertEquals("option \"upperdir\" needs a value (upperdir=DIR)", error("upperdir"));
    assertEquals("option \"lowerdir\" needs a value (lowerdir=DIR[:DIR...])", error("lowerdir"));
    assertEquals("option \"volatile\" takes no value", error("volatile=1"));
    assertEquals("option \"ro\" takes no value", error("ro=yes"));
    assertEquals("option \"fsync\": \"2\" is not 0 or 1", error("fsync=2"));
    assertEquals("option \"threaded\": \"yes\" is not 0 or 1", error("threaded=yes"));
    assertEquals("option \"writeback\": \"\" is not 0 or 1", error("writeback="));
    assertEquals("option \"fast_ino\": \"01\" is not 0 or 1", error("fast_ino=01"));
    assertEquals("option \"noxattrs\": \"true\" is not 0 or 1", error("noxattrs=true"));
    assertEquals("option \"xino\": \"maybe\" is not off, auto or on", error("xino=maybe"));
    assertEquals("option \"xattr_permissions\": \"3\" is not 0, 1 or 2",
        error("xattr_permissions=3"));
    assertEquals("option \"squash_to_uid\": \"-1\" is not a decimal id from 0 to 4294967294",
        error("squash_to_uid=-1"));
    assertEquals("option \"squash_to_gid\": \"4294967295\" is not a decimal id from 0 to 4294967294",
        error("squash_to_gid=4294967295"));
    assertEquals("option \"max_write\": \"0\" is not a decimal number from 1 to 2147483647",
        error("max_write=0"));
    assertEquals("option \"timeout\": \"1e9\" is not a number of seconds (digits, optionally "
        + "a '.' and decimals)", error("timeout=1e9"));
    assertEquals("option \"redirect_dir\": \"yes\" is not off, follow, on or nofollow",
        error("redirect_dir=yes"));
    assertEquals("option \"report_mode\": \"kernel\" is not auto, container or host",
        error("report_mode=kernel"));
    assertEquals("option \"log_level\": \"loud\" is not error, warn, info, debug or trace",
        error("log_level=loud"));
    assertEquals("option \"log_file\" is empty", error("log_file="));
    assertEquals("option \"uid_map\" is empty", error("uid_map="));
    assertEquals("option \"gid_map\": segment 2 \"1:1\" is not CONTAINER:HOST:LENGTH "
        + "(three numbers separated by ':')", error("gid_map=0:0:1/1:1"));
    assertEquals("option \"uid_map\": segments \"0:0:10\" and \"5:100:1\" overlap in their "
        + "container ranges", error("uid_map=0:0:10;5:100:1"));
  }

  @Test
  void mappingErrors() {
    assertEquals("option \"uidmapping\": \"0:x:1\" is not a list of FROM:TO:LENGTH triples "
        + "joined by ':': \"x\" is not a decimal id from 0 to 4294967294", error("uidmapping=0:x:1"));
    assertEquals("option \"gidmapping\": \"0:1:1000:5\" is not a list of FROM:TO:LENGTH triples "
        + "joined by ':'", error("gidmapping=0:1:1000:5"));
    assertEquals("option \"uidmapping\" is empty", error("uidmapping="));
    assertEquals("option \"uidmapping\": triple 2 \"5:5:0\" has length 0",
        error("uidmapping=0:1:1:5:5:0"));
    assertEquals("option \"uidmapping\": triple 1 \"4294967290:0:10\" reaches beyond the largest "
        + "id 4294967294", error("uidmapping=4294967290:0:10"));
    assertEquals("option \"uidmapping\": triples \"0:100:10\" and \"5:0:1\" overlap on their "
        + "FROM side", error("uidmapping=0:100:10:5:0:1"));
    assertEquals("option \"gidmapping\": triples \"0:0:10\" and \"20:5:1\" overlap on their "
        + "TO side", error("gidmapping=0:0:10:20:5:1"));
  }

  @Test
  void quotingErrors() {
    assertEquals("-o \"lowerdir=/a,context=\"s0\": a double quote is not closed",
        error("lowerdir=/a,context=\"s0"));
    assertEquals("-o \"upperdir=/u\\\": a backslash at the end escapes nothing",
        error("upperdir=/u\\"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lowerdir=/a,,volatile,,|/a",
      ",lowerdir=/a|/a",
      ",,,|''",
  })
  void emptyElementsAreIgnored(String options, String lower) {
    MountOptions o = parse(options);
    assertEquals(lower.isEmpty() ? List.of() : List.of(lower), o.layers().lowerDirs());
    assertEquals(List.of(), o.ignoredOptions());
  }
}
