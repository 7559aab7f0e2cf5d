package dev.writ.engine.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An event as stored: its sequence number, the hash of the record before it, its own hash, its
 * JSON form (what queries and fixture assertions compare against) and the exact line in the
 * trail (what the HTTP API returns, so that a client can verify the chain itself).
 */
public record AuditRecord(long seq, AuditEvent event, ObjectNode json, String prev, String hash, String line) {
  public String grant() {
    return event.header().grant();
  }
}
