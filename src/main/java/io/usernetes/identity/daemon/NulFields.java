package io.usernetes.identity.daemon;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The wire form of the native clients' requests: fields that each end in a NUL. Parsed as
 * untrusted input: too large, too many fields or a last field without its NUL is no request.
 */
public final class NulFields {
  private NulFields() {}

  /** The fields of {@code data}, decoded with {@code charset}, or empty when it is not that form. */
  public static Optional<List<String>> split(byte[] data, int maxBytes, int maxFields, Charset charset) {
    if (data.length == 0 || data.length > maxBytes || data[data.length - 1] != 0) {
      return Optional.empty();
    }
    List<String> fields = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == 0) {
        if (fields.size() == maxFields) {
          return Optional.empty();
        }
        fields.add(new String(data, start, i - start, charset));
        start = i + 1;
      }
    }
    return Optional.of(fields);
  }
}
