package dev.writ.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import dev.writ.engine.grant.StoreUnavailableException;
import dev.writ.server.auth.AuthFailure;
import dev.writ.server.auth.Authenticator;
import dev.writ.server.auth.Identity;
import dev.writ.server.auth.Role;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes calls by method and path pattern ({@code /v1/grants/{id}/approvals}) to endpoints, and
 * turns whatever happens into a reply: an endpoint's answer, {@code {error, at}} for refused
 * input (400, 404, 405, 409, 413, 415), 401/403 for callers without valid credentials or the
 * roles a route needs, and 500 with a generic message (logged with its stack trace) for anything
 * unexpected. Every call is timed.
 *
 * <p>Before an endpoint sees a call (and before its body is read): a browser {@code Origin} not
 * allowed is refused, the caller is authenticated (unless the route is public), its roles are
 * checked against the route's, and a body must be declared {@code application/json}, so that a
 * cross-site form post can never reach an endpoint.
 */
public final class Router extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  /** A caller's identifier for a call, echoed on its answer (whatever the answer is). */
  static final String REQUEST_ID = "X-Request-ID";
  /** The answers' usual content type, encoded once. */
  private static final HttpField JSON_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, Reply.JSON);

  /** An endpoint: one operation of the API. */
  @FunctionalInterface
  public interface Endpoint {
    Reply handle(Call call);
  }

  /**
   * An endpoint whose answer waits on something that needs no thread of its own, a durable
   * commit's group flush: it returns at once and the reply is written when the stage completes,
   * on the thread that completes it. A stage that fails is answered as a thrown exception is.
   */
  @FunctionalInterface
  public interface DeferredEndpoint {
    CompletionStage<Reply> handle(Call call);
  }

  /**
   * Who may call a route: a caller with any of these roles ({@link Role#ADMIN} has them all);
   * {@link #PUBLIC} needs no credentials at all.
   */
  public record Access(Set<Role> roles) {
    public static final Access PUBLIC = new Access(Set.of());

    public Access {
      roles = Set.copyOf(roles);
    }

    public static Access of(Role... roles) {
      return new Access(Set.of(roles));
    }

    public boolean isPublic() {
      return roles.isEmpty();
    }

    boolean allows(Identity caller) {
      for (Role r : roles) {
        if (caller.has(r)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * {@code direct}: the endpoint neither blocks nor waits (no disk, no lock held by a slow call,
   * no stream), so it runs on the thread that read the call instead of being handed to another.
   */
  private record Route(String method, String pattern, String[] segments, Set<String> queryNames, Access access,
                       Endpoint endpoint, boolean direct, DeferredEndpoint deferred) {}

  private final List<Route> routes = new ArrayList<>();
  private final long maxBody;
  private final ServerMetrics metrics;
  private final Authenticator authenticator;
  private final Set<String> allowedOrigins;

  /**
   * The router tells Jetty that it does not block, so that Jetty runs a call on the thread that
   * parsed it rather than handing it to another thread (a wake-up and a context switch per call,
   * more than a decision costs). Calls to routes that may block (anything not added with {@link
   * #addDirect}) are handed to the server's thread pool here, as Jetty would have done for them.
   */
  public Router(long maxBody, ServerMetrics metrics, Authenticator authenticator, Set<String> allowedOrigins) {
    super(InvocationType.NON_BLOCKING);
    this.maxBody = maxBody;
    this.metrics = metrics;
    this.authenticator = authenticator;
    this.allowedOrigins = Set.copyOf(allowedOrigins);
  }

  /** Adds a route; {@code queryNames} are the query parameters it accepts (others are refused). */
  public Router add(String method, String pattern, Set<String> queryNames, Access access, Endpoint endpoint) {
    routes.add(new Route(method, pattern, split(pattern), Set.copyOf(queryNames), access, endpoint, false, null));
    return this;
  }

  public Router add(String method, String pattern, Access access, Endpoint endpoint) {
    return add(method, pattern, Set.of(), access, endpoint);
  }

  /**
   * Adds a route whose endpoint only computes (it never blocks: no disk, no waiting on other
   * calls, no streaming), so it is answered on the thread that read the call. A call whose body
   * has not been read into memory yet is still handed to the pool.
   */
  public Router addDirect(String method, String pattern, Set<String> queryNames, Access access, Endpoint endpoint) {
    routes.add(new Route(method, pattern, split(pattern), Set.copyOf(queryNames), access, endpoint, true, null));
    return this;
  }

  /**
   * Adds a route whose answer is written when the stage its endpoint returns completes (see
   * {@link DeferredEndpoint}); the endpoint itself runs on the pool, like any route not direct.
   */
  public Router addDeferred(String method, String pattern, Access access, DeferredEndpoint endpoint) {
    routes.add(new Route(method, pattern, split(pattern), Set.of(), access, null, false, endpoint));
    return this;
  }

  /** A route as declared: what the OpenAPI description must describe (OpenApiTest holds it to that). */
  public record Declared(String method, String pattern, Set<String> queryNames, Access access) {}

  /** The routes, in the order they were added. */
  public List<Declared> routes() {
    return routes.stream().map(r -> new Declared(r.method, r.pattern, r.queryNames, r.access)).toList();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    String[] path;
    Route route = null;
    try {
      path = decode(request.getHttpURI().getPath());
      String method = request.getMethod();
      for (Route r : routes) {
        if (r.method.equals(method) && matches(r.segments, path)) {
          route = r;
          break;
        }
      }
    } catch (ApiException e) {
      path = null;
    }
    if (route != null && route.direct && (!hasBody(request) || directBody(BodyPrefetch.prefetchedLength(request)))) {
      SparingEndPoint.answeringInline(request); // answered here: the next read can wait for the selector
      return handleNow(request, response, callback, path, route, start);
    }
    String[] p = path;
    Route found = route;
    try {
      request.getContext().execute(() -> {
        try {
          handleNow(request, response, callback, p, found, start);
        } catch (Throwable t) { // on the pool nothing above us would fail the call: it would hang until the idle timeout
          Response.writeError(request, response, callback, t);
        }
      });
    } catch (RejectedExecutionException e) {
      callback.failed(e); // the server is stopping: Jetty closes the connection
    }
    return true;
  }

  /**
   * The largest body a direct route answers on the thread that read it. A single decision request
   * is well under it; a large batch, with its shared entities, can take milliseconds of CPU, and on
   * a selector thread it would hold up every other connection that thread reads, so it goes to the
   * pool like any other call.
   */
  static final int DIRECT_BODY_LIMIT = 16 * 1024;

  static boolean directBody(int prefetched) {
    return prefetched >= 0 && prefetched <= DIRECT_BODY_LIMIT;
  }

  /**
   * Handles a call whose route (if any) was found: {@code route} is null when no route of the
   * call's method matches {@code path} (null when the path did not decode).
   */
  private boolean handleNow(Request request, Response response, Callback callback, String[] path, Route route,
                            long start) {
    String method = request.getMethod();
    String routeName = "unmatched";
    Reply reply;
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    try {
      if (path == null) {
        path = decode(request.getHttpURI().getPath()); // throws the 404 it threw before
      }
      if (route == null) {
        Set<String> allowed = new LinkedHashSet<>();
        String pathPattern = null; // the first route on this path, whatever its method (405, preflight)
        for (Route r : routes) {
          if (matches(r.segments, path)) {
            allowed.add(r.method);
            if (pathPattern == null) {
              pathPattern = r.pattern;
            }
          }
        }
        if (!allowed.isEmpty() && method.equals("OPTIONS") && origin != null && allowedOrigins.contains(origin)) {
          // A browser's CORS preflight from an allowed origin: say what it may send.
          routeName = pathPattern;
          reply = new Reply(204, Reply.JSON, new byte[0], Map.of("Access-Control-Allow-Methods",
              String.join(", ", allowed), "Access-Control-Allow-Headers", "Authorization, Content-Type",
              "Access-Control-Max-Age", "600"));
          return answer(request, response, callback, reply, origin, routeName, method, start);
        }
        if (allowed.isEmpty()) {
          throw ApiException.notFound("no such endpoint: " + request.getHttpURI().getPath(), "path");
        }
        routeName = pathPattern;
        throw new ApiException(405, "method " + method + " is not allowed here; allowed: " + String.join(", ", allowed),
            "method", Map.of("Allow", String.join(", ", allowed)));
      }
      routeName = route.pattern;
      if (origin != null && !allowedOrigins.contains(origin)) {
        throw AuthFailure.forbidden(AuthFailure.Reason.ORIGIN, "calls from origin `" + origin + "` are not allowed",
            "origin");
      }
      Identity caller = route.access.isPublic() && !authenticator.isOpen()
          ? Identity.anonymous(Request.getRemoteAddr(request))
          : authenticator.authenticate(request);
      if (!route.access.isPublic() && !route.access.allows(caller)) {
        throw AuthFailure.forbidden(AuthFailure.Reason.ROLE, method + " " + route.pattern + " needs the role "
            + String.join(" or ", route.access.roles().stream().map(Role::json).sorted().toList()), "role");
      }
      if (hasBody(request)) {
        requireJson(request);
      }
      Fields query = query(request, route.queryNames);
      Call call = new Call(request, params(route.segments, path), query, maxBody, caller);
      if (route.deferred != null) {
        String name = routeName;
        route.deferred.handle(call).whenComplete((later, failure) -> {
          try {
            answer(request, response, callback, failure == null ? later : failed(request,
                failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure),
                origin, name, method, start);
          } catch (Throwable t) { // nothing above this thread would fail the call: it would hang until the idle timeout
            if (response.isCommitted()) {
              callback.failed(t); // an answer already started (or the call failed meanwhile): end it
            } else {
              Response.writeError(request, response, callback, t);
            }
          }
        });
        return true;
      }
      reply = route.endpoint.handle(call);
    } catch (RuntimeException | Error e) {
      reply = failed(request, e);
    }
    return answer(request, response, callback, reply, origin, routeName, method, start);
  }

  /** The reply to a call that failed with {@code e}, whether thrown or completing a deferred answer. */
  private Reply failed(Request request, Throwable e) {
    if (e instanceof AuthFailure a) {
      return refused(request, a);
    }
    if (e instanceof ApiException a) {
      return Reply.error(a);
    }
    if (e instanceof StoreUnavailableException) {
      // Fail closed: nothing was acknowledged; the store logged the details. Decisions still answer.
      return Reply.error(new ApiException(503, e.getMessage(), "store", Map.of("Retry-After", "1")));
    }
    if (e instanceof RuntimeException r && JsonErrors.isInputError(r)) {
      return Reply.error(JsonErrors.fromInput(r, ""));
    }
    LOG.error("unexpected error on {} {}", request.getMethod(), request.getHttpURI().getPath(), e);
    return Reply.error(new ApiException(500, "internal error; the service log has the details", "server"));
  }

  private boolean answer(Request request, Response response, Callback callback, Reply reply, String origin,
                         String routeName, String method, long start) {
    response.setStatus(reply.status());
    if (reply.contentType().equals(Reply.JSON)) {
      response.getHeaders().put(JSON_TYPE);
    } else {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
    }
    reply.headers().forEach((k, v) -> response.getHeaders().put(k, v));
    String requestId = request.getHeaders().get(REQUEST_ID);
    if (requestId != null) {
      // AuthZEN 1.0, "Request Identification": the PEP's request identifier comes back on the answer.
      response.getHeaders().put(REQUEST_ID, requestId);
    }
    if (origin != null && allowedOrigins.contains(origin)) {
      response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      response.getHeaders().put(HttpHeader.VARY, "Origin");
    }
    if (reply.stream() != null) {
      // Written on this thread, blocking, until the stream ends (a follower holds one thread).
      try (java.io.OutputStream out = org.eclipse.jetty.io.Content.Sink.asOutputStream(response)) {
        reply.stream().write(out);
        callback.succeeded();
      } catch (java.io.IOException | RuntimeException e) {
        LOG.debug("stream on {} ended early: {}", routeName, e.toString()); // the client went away, usually
        callback.failed(e);
      }
      metrics.request(routeName, method, reply.status(), System.nanoTime() - start);
      return true;
    }
    metrics.request(routeName, method, reply.status(), System.nanoTime() - start);
    response.write(true, ByteBuffer.wrap(reply.body()), callback);
    return true;
  }

  /**
   * 401 or 403: counted, logged with the reason and detail (never the token), answered with a
   * message that says nothing of keys, claims or other callers.
   */
  private Reply refused(Request request, AuthFailure e) {
    metrics.authFailure(e.reason().label());
    LOG.info("refused {} {} from {}: {} ({})", request.getMethod(), request.getHttpURI().getPath(),
        Request.getRemoteAddr(request), e.reason().label(), e.detail());
    Map<String, String> headers = new LinkedHashMap<>();
    if (e.status() == 401) {
      headers.put("WWW-Authenticate", e.reason() == AuthFailure.Reason.MISSING ? "Bearer realm=\"writ\""
          : "Bearer realm=\"writ\", error=\"invalid_token\"");
    }
    return Reply.error(new ApiException(e.status(), e.getMessage(), e.at(), headers));
  }

  /** Whether the call carries a body (a declared length above 0, or a chunked one). */
  private static boolean hasBody(Request request) {
    return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
  }

  /** 415 unless the body is declared {@code application/json} (UTF-8, the only charset JSON has). */
  private static void requireJson(Request request) {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    String[] parts = type == null ? new String[] {""} : type.split(";");
    boolean json = parts[0].trim().toLowerCase(Locale.ROOT).equals("application/json");
    for (int i = 1; json && i < parts.length; i++) {
      String p = parts[i].trim().toLowerCase(Locale.ROOT).replace("\"", "");
      if (p.startsWith("charset=") && !p.equals("charset=utf-8")) {
        json = false;
      }
    }
    if (!json) {
      throw new ApiException(415, "a body must be JSON, sent as `Content-Type: application/json`"
          + (type == null ? "" : "; got `" + type + "`"), "content-type");
    }
  }

  private static Fields query(Request request, Set<String> names) {
    if (request.getHttpURI().getQuery() == null) {
      return Fields.EMPTY;
    }
    Fields fields;
    try {
      fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      throw ApiException.badRequest("malformed query string", "query");
    }
    for (Fields.Field f : fields) {
      if (!names.contains(f.getName())) {
        throw ApiException.badRequest("unknown query parameter `" + f.getName() + "`"
            + (names.isEmpty() ? "; this endpoint takes none" : "; known: " + String.join(", ", new java.util.TreeSet<>(names))),
            f.getName());
      }
      if (f.getValues().size() > 1) {
        throw ApiException.badRequest("query parameter `" + f.getName() + "` is given more than once", f.getName());
      }
    }
    return fields;
  }

  private static String[] split(String pattern) {
    return pattern.substring(1).split("/", -1);
  }

  /** The path's segments, percent-decoded one by one (so an encoded {@code /} stays inside its segment). */
  private static String[] decode(String rawPath) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      throw ApiException.notFound("no such endpoint: " + rawPath, "path");
    }
    String[] parts = rawPath.substring(1).split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = percentDecode(parts[i]);
    }
    return parts;
  }

  private static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < s.length()) {
      int pct = s.indexOf('%', i);
      if (pct < 0) {
        pct = s.length();
      }
      byte[] run = s.substring(i, pct).getBytes(StandardCharsets.UTF_8);
      out.write(run, 0, run.length);
      if (pct == s.length()) {
        break;
      }
      int hi = pct + 2 < s.length() ? Character.digit(s.charAt(pct + 1), 16) : -1;
      int lo = pct + 2 < s.length() ? Character.digit(s.charAt(pct + 2), 16) : -1;
      if (hi < 0 || lo < 0) {
        throw ApiException.badRequest("malformed percent-encoding in the path", "path");
      }
      out.write(hi * 16 + lo);
      i = pct + 3;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean matches(String[] pattern, String[] path) {
    if (pattern.length != path.length) {
      return false;
    }
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (isParam(p)) {
        if (path[i].isEmpty()) {
          return false;
        }
      } else if (!p.equals(path[i])) {
        return false;
      }
    }
    return true;
  }

  /** The path parameters of a path that {@link #matches} the pattern. */
  private static Map<String, String> params(String[] pattern, String[] path) {
    Map<String, String> params = Map.of();
    for (int i = 0; i < pattern.length; i++) {
      if (isParam(pattern[i])) {
        if (params.isEmpty()) {
          params = new LinkedHashMap<>();
        }
        params.put(pattern[i].substring(1, pattern[i].length() - 1), path[i]);
      }
    }
    return params;
  }

  private static boolean isParam(String segment) {
    return segment.startsWith("{") && segment.endsWith("}");
  }
}
