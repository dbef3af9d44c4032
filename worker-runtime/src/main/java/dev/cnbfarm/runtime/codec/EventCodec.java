package dev.cnbfarm.runtime.codec;

import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildFailed;
import dev.cnbfarm.schemas.BuildLog;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.RunImageReady;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * The events' wire format (design.md §2): Avro single-object encoding, the {@code C3 01} marker,
 * the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema, then the binary body. Any
 * Avro library decodes it from the {@code .avsc} files alone; no schema registry. A reader knows
 * the schemas compiled into it, so an unknown fingerprint or bytes without the marker are poison
 * ({@link UndecodableEventException}). Thread-safe.
 */
public final class EventCodec {
  /** Every event the pipeline writes, one class per schema. */
  public static final List<Class<? extends SpecificRecord>> EVENTS = List.of(BuildRequested.class,
      BuildDetected.class, BuildBuilt.class, RunImageReady.class, BuildExported.class, BuildFailed.class,
      BuildLog.class);

  static {
    // Avro 1.12 instantiates only trusted classes; ours are, whatever the JVM's system property says
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
        ClassSecurityValidator.builder().add("dev.cnbfarm.schemas.*").build()));
  }

  private final Map<Long, Decoding<?>> byFingerprint = new LinkedHashMap<>();
  private final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> encoders = new LinkedHashMap<>();

  private record Decoding<T extends SpecificRecord>(Class<T> type, BinaryMessageDecoder<T> decoder) {}

  public EventCodec() {
    for (Class<? extends SpecificRecord> type : EVENTS) {
      register(type);
    }
  }

  private <T extends SpecificRecord> void register(Class<T> type) {
    Schema schema = SpecificData.get().getSchema(type);
    SpecificData model = new SpecificData(type.getClassLoader());
    byFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), new Decoding<>(type,
        new BinaryMessageDecoder<>(model, schema)));
    encoders.put(type, new BinaryMessageEncoder<>(model, schema));
  }

  /** The single-object encoding of {@code event}. */
  public byte[] encode(SpecificRecord event) {
    BinaryMessageEncoder<SpecificRecord> encoder = encoders.get(event.getClass());
    if (encoder == null) {
      throw new IllegalArgumentException(event.getClass().getSimpleName() + " is not a pipeline event");
    }
    try {
      ByteBuffer buffer = encoder.encode(event);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + event.getSchema().getName() + ": " + e.getMessage(), e);
    }
  }

  /** Decodes any pipeline event. */
  public SpecificRecord decode(byte[] bytes) {
    Decoding<?> decoding = decodingOf(bytes);
    return decodeWith(decoding, bytes);
  }

  /** Decodes an event that must be a {@code type}; another event is poison on this topic. */
  public <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) {
    SpecificRecord event = decode(bytes);
    if (!type.isInstance(event)) {
      throw new UndecodableEventException("expected a " + type.getSimpleName() + " event, got a "
          + event.getSchema().getName());
    }
    return type.cast(event);
  }

  /** The fingerprint of a single-object-encoded message, if it has the header. */
  public static Optional<Long> fingerprint(byte[] bytes) {
    if (bytes == null || bytes.length < 10 || bytes[0] != (byte) 0xC3 || bytes[1] != 0x01) {
      return Optional.empty();
    }
    return Optional.of(ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
  }

  /** The CRC-64-AVRO fingerprint of an event class's schema. */
  public static long fingerprintOf(Class<? extends SpecificRecord> type) {
    return SchemaNormalization.parsingFingerprint64(SpecificData.get().getSchema(type));
  }

  private Decoding<?> decodingOf(byte[] bytes) {
    Long fp = fingerprint(bytes).orElseThrow(() -> new UndecodableEventException(
        "not an Avro single-object encoded event (no C3 01 marker)"));
    Decoding<?> decoding = byFingerprint.get(fp);
    if (decoding == null) {
      throw new UndecodableEventException("unknown schema fingerprint " + HexFormat.of().toHexDigits(fp)
          + ": written with a schema this worker does not know");
    }
    return decoding;
  }

  private static <T extends SpecificRecord> T decodeWith(Decoding<T> decoding, byte[] bytes) {
    try {
      return decoding.decoder().decode(bytes);
    } catch (BadHeaderException | MissingSchemaException e) {
      throw new UndecodableEventException(e.getMessage(), e);
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new UndecodableEventException("corrupt " + decoding.type().getSimpleName() + " body: "
          + e.getMessage(), e);
    }
  }
}
