package dev.writ.engine.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An event as stored: its sequence number, the hash of the record before it, its own hash, and
 * its JSON form (what queries and fixture assertions compare against).
 */
public record AuditRecord(long seq, AuditEvent event, ObjectNode json, String prev, String hash) {
  public String grant() {
    return event.header().grant();
  }
}
