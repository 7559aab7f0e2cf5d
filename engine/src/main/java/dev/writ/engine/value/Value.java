package dev.writ.engine.value;

import dev.writ.language.vocab.Durations;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Values of the language at run time. Equality is by value and never fails: values of
 * different types are simply unequal (docs/language.md §6).
 */
public sealed interface Value
    permits Value.Bool, Value.Int, Value.Str, Value.Dur, Value.Time, Value.SetV, Value.EntityV, Value.RecordV,
    Value.Decimal, Value.IpAddr {

  enum Kind { BOOL, INT, STRING, DURATION, TIME, SET, ENTITY, RECORD, DECIMAL, IPADDR }

  Kind kind();

  /** The language's name of this value's type, for error messages. */
  default String typeName() {
    return switch (kind()) {
      case BOOL -> "Bool";
      case INT -> "Int";
      case STRING -> "String";
      case DURATION -> "Duration";
      case TIME -> "Time";
      case SET -> "Set";
      case ENTITY -> "entity";
      case RECORD -> "record";
      case DECIMAL -> "Decimal";
      case IPADDR -> "IpAddr";
    };
  }

  /** Cedar's decimal, in ten-thousandths ({@code decimal("1.5")} is 15000). */
  record Decimal(long scaled) implements Value {
    @Override
    public Kind kind() {
      return Kind.DECIMAL;
    }

    @Override
    public String toString() {
      return dev.writ.language.vocab.Decimals.format(scaled);
    }
  }

  /** Cedar's ipaddr: an address (4 or 16 bytes) and a prefix length; equal when both are. */
  record IpAddr(byte[] address, int prefix) implements Value {
    public IpAddr {
      address = address.clone();
    }

    @Override
    public byte[] address() {
      return address.clone();
    }

    public boolean isV4() {
      return address.length == 4;
    }

    @Override
    public Kind kind() {
      return Kind.IPADDR;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IpAddr other && other.prefix == prefix && java.util.Arrays.equals(other.address, address);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(address) * 31 + prefix;
    }

    @Override
    public String toString() {
      String text;
      try {
        text = java.net.InetAddress.getByAddress(address).getHostAddress();
      } catch (java.net.UnknownHostException e) {
        throw new IllegalStateException("internal invariant violated: an address of " + address.length + " bytes", e);
      }
      return prefix == address.length * 8 ? text : text + "/" + prefix;
    }
  }

  record Bool(boolean value) implements Value {
    public static final Bool TRUE = new Bool(true);
    public static final Bool FALSE = new Bool(false);

    public static Bool of(boolean b) {
      return b ? TRUE : FALSE;
    }

    @Override
    public Kind kind() {
      return Kind.BOOL;
    }

    @Override
    public String toString() {
      return Boolean.toString(value);
    }
  }

  record Int(long value) implements Value {
    @Override
    public Kind kind() {
      return Kind.INT;
    }

    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  record Str(String value) implements Value {
    @Override
    public Kind kind() {
      return Kind.STRING;
    }

    @Override
    public String toString() {
      return value;
    }
  }

  /** A duration in whole seconds. */
  record Dur(long seconds) implements Value {
    @Override
    public Kind kind() {
      return Kind.DURATION;
    }

    @Override
    public String toString() {
      return Durations.format(seconds);
    }
  }

  record Time(Instant instant) implements Value {
    @Override
    public Kind kind() {
      return Kind.TIME;
    }

    @Override
    public String toString() {
      return instant.toString();
    }
  }

  record SetV(Set<Value> elements) implements Value {
    public SetV {
      elements = Collections.unmodifiableSet(new LinkedHashSet<>(elements));
    }

    @Override
    public Kind kind() {
      return Kind.SET;
    }
  }

  record EntityV(EntityUid uid) implements Value {
    @Override
    public Kind kind() {
      return Kind.ENTITY;
    }

    @Override
    public String toString() {
      return uid.toString();
    }
  }

  /** A record: the request's {@code context} and nested maps inside it. */
  record RecordV(Map<String, Value> fields) implements Value {
    public static final RecordV EMPTY = new RecordV(Map.of());

    public RecordV {
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    @Override
    public Kind kind() {
      return Kind.RECORD;
    }
  }
}
