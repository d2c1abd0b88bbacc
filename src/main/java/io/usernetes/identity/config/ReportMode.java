package io.usernetes.identity.config;

/** Which ids the mount program reports to the kernel (see the architecture brief). */
public enum ReportMode {
  /** Container mode when the mount's user namespace maps all of 0–65535, host mode otherwise. */
  AUTO,
  /** Report the true container ids: the namespace can represent all of them. */
  CONTAINER,
  /** Report the host ids: the only ones a small namespace can represent. */
  HOST
}
