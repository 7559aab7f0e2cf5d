package dev.writ.server;

/** The service cannot start: the data directory cannot be used, or the address cannot be bound. */
public final class ServerStartException extends RuntimeException {
  public ServerStartException(String message) {
    this(message, null);
  }

  public ServerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
