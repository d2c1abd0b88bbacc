package io.usernetes.identity.supervisor;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OCI "container process state" a runtime sends with a listener fd (runtime-spec
 * config-linux.md): which fd is which, the process, the {@code listenerMetadata} and the
 * container's state. Everything in it comes from the runtime, which we trust as far as its
 * {@code SO_PEERCRED} uid is allowed; annotations come from whoever created the container.
 *
 * @param fds names of the {@code SCM_RIGHTS} descriptors, by position ({@code "seccompFd"})
 * @param pid the process the fd came from, in the runtime's PID namespace
 * @param metadata the profile's {@code listenerMetadata}
 */
public record ContainerProcessState(String ociVersion, List<String> fds, long pid,
    Optional<String> metadata, State state) {
  public static final String SECCOMP_FD = "seccompFd";

  public ContainerProcessState {
    fds = List.copyOf(fds);
  }

  /**
   * The runtime's state of the container.
   *
   * @param status {@code creating}, {@code created}, {@code running} or {@code stopped}
   *     ({@code running} for an {@code exec})
   * @param pid the container's init process, 0 when absent
   */
  public record State(String ociVersion, String id, String status, long pid, Optional<String> bundle,
      Map<String, String> annotations) {
    public State {
      annotations = Map.copyOf(annotations);
    }
  }

  /** The position of {@code seccompFd} in the descriptors; empty when the runtime named none. */
  public Optional<Integer> seccompFdIndex() {
    int i = fds.indexOf(SECCOMP_FD);
    return i < 0 ? Optional.empty() : Optional.of(i);
  }
}
