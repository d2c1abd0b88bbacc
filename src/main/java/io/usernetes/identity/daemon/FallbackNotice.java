package io.usernetes.identity.daemon;

import io.usernetes.identity.kernel.KernelFallback;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * The daemons' one log line about {@link KernelFallback#VARIABLE}: which older kernels' paths
 * were forced, and a warning for a word that names none, so a typo cannot pass for a tested
 * fallback. Nothing when the variable is unset.
 */
public final class FallbackNotice {
  private FallbackNotice() {}

  public static void log(Logger log) {
    KernelFallback.Choice choice = KernelFallback.running();
    if (!choice.forced().isEmpty()) {
      log.info("kernel fallbacks forced by {}: {}", KernelFallback.VARIABLE, choice.words());
    }
    if (!choice.unknown().isEmpty()) {
      log.warn("{}: ignored {}, which name no fallback (known: {}, all)", KernelFallback.VARIABLE,
          choice.unknown(), Arrays.stream(KernelFallback.values()).map(KernelFallback::word)
              .collect(Collectors.joining(", ")));
    }
  }
}
