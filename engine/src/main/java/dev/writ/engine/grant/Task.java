package dev.writ.engine.grant;

import dev.writ.engine.value.Value;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The task a grant serves: the intent's name and the parameters the request gave. */
public record Task(String intent, Map<String, Value> params) {
  public Task {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params)); // keeps the request's order
  }
}
