package io.usernetes.identity.supervisor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ExplicitIdentityTest {
  @Test
  void metadataLinesSetTheIdentity() {
    ExplicitIdentity e = ExplicitIdentity.of(Map.of(), Optional.of("profile=hpc\nUID=60000\nGID=60001\nGROUPS=1,2,2"));
    assertEquals(OptionalLong.of(60000), e.uid());
    assertEquals(OptionalLong.of(60001), e.gid());
    assertArrayEquals(new long[] {1, 2}, e.groups().orElseThrow());
    assertTrue(e.warnings().isEmpty());
  }

  @Test
  void annotationsSetTheIdentityAndMetadataWinsKeyByKey() {
    ExplicitIdentity e = ExplicitIdentity.of(
        Map.of(ExplicitIdentity.UID_KEY, "1000", ExplicitIdentity.GID_KEY, "1000"),
        Optional.of("usernetes.io/uid=60000"));
    assertEquals(OptionalLong.of(60000), e.uid(), "metadata (the administrator's profile) wins");
    assertEquals(OptionalLong.of(1000), e.gid(), "annotation used where metadata is silent");
  }

  @Test
  void malformedValuesAreIgnoredWithAWarning() {
    ExplicitIdentity e = ExplicitIdentity.of(Map.of(ExplicitIdentity.UID_KEY, "-1",
        ExplicitIdentity.GROUPS_KEY, "1,x"), Optional.of("UID=4294967295\nGID=007"));
    assertEquals(OptionalLong.empty(), e.uid());
    assertEquals(OptionalLong.empty(), e.gid());
    assertEquals(Optional.empty(), e.groups());
    assertEquals(3, e.warnings().size(), "one per key: " + e.warnings());
    assertTrue(e.isEmpty());
  }

  @Test
  void malformedMetadataStillWinsOverTheAnnotation() {
    ExplicitIdentity e = ExplicitIdentity.of(Map.of(ExplicitIdentity.UID_KEY, "0",
        ExplicitIdentity.GID_KEY, "0", ExplicitIdentity.GROUPS_KEY, "0"),
        Optional.of("UID=abc\nGID=\nGROUPS=1,,2"));
    assertEquals(OptionalLong.empty(), e.uid(), "the pod's annotation must not fill in for the profile");
    assertEquals(OptionalLong.empty(), e.gid());
    assertEquals(Optional.empty(), e.groups());
    assertTrue(e.isEmpty(), "kernel ids or the image decide, as without an explicit identity");
    assertEquals(3, e.warnings().size(), "one per key: " + e.warnings());
    assertEquals("listenerMetadata uid \"abc\" is not an id, ignored, and so is the annotation",
        e.warnings().get(0));
  }

  @Test
  void emptyGroupsMeansNone() {
    assertArrayEquals(new long[0], ExplicitIdentity.parseGroups("").orElseThrow());
    assertEquals(Optional.empty(), ExplicitIdentity.parseGroups("1,,2"));
    assertEquals(Optional.empty(), ExplicitIdentity.parseGroups("1-5"));
  }

  @Test
  void tooManyGroupsAreRefusedWithoutBuildingThem() {
    String many = "1,".repeat(ExplicitIdentity.MAX_GROUPS) + "1";
    // duplicates collapse: 65537 items naming one id is still one group
    assertEquals(1, ExplicitIdentity.parseGroups(many).orElseThrow().length);
    StringBuilder distinct = new StringBuilder();
    for (int i = 0; i <= ExplicitIdentity.MAX_GROUPS; i++) {
      distinct.append(i).append(',');
    }
    distinct.append("999999");
    assertEquals(Optional.empty(), ExplicitIdentity.parseGroups(distinct.toString()));
  }
}
