package io.usernetes.identity.idmap;

/**
 * One {@code CONTAINER:HOST:LENGTH} range of a uid_map-style spec: container ids
 * {@code [container, container+length)} sit on host ids {@code [host, host+length)}.
 */
public record Segment(long container, long host, long length) {

  public long containerEnd() {
    return container + length;
  }

  public long hostEnd() {
    return host + length;
  }

  public boolean coversContainer(long id) {
    return id >= container && id < containerEnd();
  }

  public boolean coversHost(long id) {
    return id >= host && id < hostEnd();
  }

  @Override
  public String toString() {
    return container + ":" + host + ":" + length;
  }
}
