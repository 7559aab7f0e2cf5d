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
import dev.writ.engine.grant.StoreUnavailableException;
import dev.writ.server.auth.AuthFailure;
import dev.writ.server.auth.Authenticator;
import dev.writ.server.auth.Identity;
import dev.writ.server.auth.Role;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
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

  /** An endpoint: one operation of the API. */
  @FunctionalInterface
  public interface Endpoint {
    Reply handle(Call call);
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
      return roles.stream().anyMatch(caller::has);
    }
  }

  private record Route(String method, String pattern, String[] segments, Set<String> queryNames, Access access,
                       Endpoint endpoint) {}

  private record Match(Route route, Map<String, String> params) {}

  private final List<Route> routes = new ArrayList<>();
  private final long maxBody;
  private final ServerMetrics metrics;
  private final Authenticator authenticator;
  private final Set<String> allowedOrigins;

  public Router(long maxBody, ServerMetrics metrics, Authenticator authenticator, Set<String> allowedOrigins) {
    this.maxBody = maxBody;
    this.metrics = metrics;
    this.authenticator = authenticator;
    this.allowedOrigins = Set.copyOf(allowedOrigins);
  }

  /** Adds a route; {@code queryNames} are the query parameters it accepts (others are refused). */
  public Router add(String method, String pattern, Set<String> queryNames, Access access, Endpoint endpoint) {
    routes.add(new Route(method, pattern, split(pattern), Set.copyOf(queryNames), access, endpoint));
    return this;
  }

  public Router add(String method, String pattern, Access access, Endpoint endpoint) {
    return add(method, pattern, Set.of(), access, endpoint);
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
    String method = request.getMethod();
    String routeName = "unmatched";
    Reply reply;
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    try {
      String[] path = decode(request.getHttpURI().getPath());
      Set<String> allowed = new LinkedHashSet<>();
      Match match = null;
      String pathPattern = null; // the first route on this path, whatever its method (405, preflight)
      for (Route r : routes) {
        Map<String, String> params = match(r.segments, path);
        if (params != null) {
          allowed.add(r.method);
          if (pathPattern == null) {
            pathPattern = r.pattern;
          }
          if (r.method.equals(method) && match == null) {
            match = new Match(r, params);
          }
        }
      }
      if (match == null && !allowed.isEmpty() && method.equals("OPTIONS") && origin != null
          && allowedOrigins.contains(origin)) {
        // A browser's CORS preflight from an allowed origin: say what it may send.
        routeName = pathPattern;
        reply = new Reply(204, Reply.JSON, new byte[0], Map.of("Access-Control-Allow-Methods",
            String.join(", ", allowed), "Access-Control-Allow-Headers", "Authorization, Content-Type",
            "Access-Control-Max-Age", "600"));
        return answer(request, response, callback, reply, origin, routeName, method, start);
      }
      if (match == null && allowed.isEmpty()) {
        throw ApiException.notFound("no such endpoint: " + request.getHttpURI().getPath(), "path");
      }
      if (match == null) {
        routeName = pathPattern;
        throw new ApiException(405, "method " + method + " is not allowed here; allowed: " + String.join(", ", allowed),
            "method", Map.of("Allow", String.join(", ", allowed)));
      }
      routeName = match.route.pattern;
      if (origin != null && !allowedOrigins.contains(origin)) {
        throw AuthFailure.forbidden(AuthFailure.Reason.ORIGIN, "calls from origin `" + origin + "` are not allowed",
            "origin");
      }
      Identity caller = match.route.access.isPublic() && !authenticator.isOpen()
          ? Identity.anonymous(Request.getRemoteAddr(request))
          : authenticator.authenticate(request);
      if (!match.route.access.isPublic() && !match.route.access.allows(caller)) {
        throw AuthFailure.forbidden(AuthFailure.Reason.ROLE, method + " " + match.route.pattern + " needs the role "
            + String.join(" or ", match.route.access.roles().stream().map(Role::json).sorted().toList()), "role");
      }
      if (hasBody(request)) {
        requireJson(request);
      }
      Fields query = query(request, match.route.queryNames);
      reply = match.route.endpoint.handle(new Call(request, match.params, query, maxBody, caller));
    } catch (AuthFailure e) {
      reply = refused(request, e);
    } catch (ApiException e) {
      reply = Reply.error(e);
    } catch (StoreUnavailableException e) {
      // Fail closed: nothing was acknowledged; the store logged the details. Decisions still answer.
      reply = Reply.error(new ApiException(503, e.getMessage(), "store", Map.of("Retry-After", "1")));
    } catch (RuntimeException e) {
      if (JsonErrors.isInputError(e)) {
        reply = Reply.error(JsonErrors.fromInput(e, ""));
      } else {
        LOG.error("unexpected error on {} {}", method, request.getHttpURI().getPath(), e);
        reply = Reply.error(new ApiException(500, "internal error; the service log has the details", "server"));
      }
    } catch (Error e) {
      LOG.error("unexpected error on {} {}", method, request.getHttpURI().getPath(), e);
      reply = Reply.error(new ApiException(500, "internal error; the service log has the details", "server"));
    }
    return answer(request, response, callback, reply, origin, routeName, method, start);
  }

  private boolean answer(Request request, Response response, Callback callback, Reply reply, String origin,
                         String routeName, String method, long start) {
    response.setStatus(reply.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
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

  private static Map<String, String> match(String[] pattern, String[] path) {
    if (pattern.length != path.length) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (p.startsWith("{") && p.endsWith("}")) {
        if (path[i].isEmpty()) {
          return null;
        }
        params.put(p.substring(1, p.length() - 1), path[i]);
      } else if (!p.equals(path[i])) {
        return null;
      }
    }
    return params;
  }
}
