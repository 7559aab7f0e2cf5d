package dev.writ.engine.request;

import dev.writ.engine.value.EntityUid;
import java.time.Instant;
import java.util.Optional;

/** Something a principal does under a grant: {@code {grant, action, resource, time}}. */
public record ActionFact(String grant, String action, EntityUid resource, Optional<Instant> time) {}
