package io.usernetes.identity.idmap;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Valid id maps for properties: disjoint segments laid out in ascending container and host order. */
public final class IdMapArbitraries {
  private IdMapArbitraries() {}

  /** Up to four segments, gaps of at most {@code maxGap} ids, lengths about 4 × {@code maxLength}. */
  public static Arbitrary<IdMap> maps(long maxGap, long maxLength) {
    Arbitrary<Long> gap = Arbitraries.longs().between(0, maxGap);
    Arbitrary<Long> length = Arbitraries.longs().between(1, maxLength);
    return Combinators.combine(gap.list().ofSize(4), gap.list().ofSize(4), length.list().ofMinSize(1).ofMaxSize(4))
        .as((containerGaps, hostGaps, lengths) -> {
          List<String> segments = new ArrayList<>();
          long container = 0;
          long host = 0;
          for (int i = 0; i < lengths.size(); i++) {
            container += containerGaps.get(i);
            host += hostGaps.get(i);
            long len = lengths.get(i) * 4 + i; // distinct lengths, so the pool is unique
            segments.add(container + ":" + host + ":" + len);
            container += len;
            host += len;
          }
          return IdMap.parse(String.join(",", segments));
        });
  }
}
