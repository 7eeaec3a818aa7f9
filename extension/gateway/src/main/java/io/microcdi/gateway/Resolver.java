package io.microcdi.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a request path into a service and an endpoint by Go Micro's rules for its {@code rpc} and {@code api}
 * handlers (the {@code micro} resolver of v1), then puts the service into the namespace.
 *
 * <pre>{@code
 * Resolver r = new Resolver("");
 * r.resolve("/greeter/hello");          // greeter, Greeter.Hello
 * r.resolve("/greeter/say/hello");      // greeter, Say.Hello
 * r.resolve("/v1/greeter/hello");       // v1.greeter, Greeter.Hello
 * r.resolve("/foo/bar/baz/qux");        // foo.bar, Baz.Qux
 * new Resolver("go.micro.api").resolve("/greeter/hello");   // go.micro.api.greeter, Greeter.Hello
 * }</pre>
 *
 * <ul>
 *   <li>the path is cleaned ({@code //}, {@code .}, {@code ..} as Go's {@code path.Clean}) and split on {@code /};</li>
 *   <li>one or two segments: the first is the service, the endpoint is every segment in title case joined by
 *       {@code .} ({@code /greeter} calls {@code Greeter}, which no service has: 404 from the service);</li>
 *   <li>three segments of which the first is a version ({@code v} and digits): the service is the first two joined by
 *       {@code .}, the endpoint the last two;</li>
 *   <li>otherwise the service is every segment but the last two, joined by {@code .}; the endpoint the last two.</li>
 * </ul>
 *
 * <p>A segment in title case: each part between {@code -} with its first letter upper-cased, then joined
 * ({@code say-hello} becomes {@code SayHello}). The namespace: none, the name as is; ending in {@code .}, prefixed;
 * ending in {@code -}, prefixed with every {@code .} of the result turned into {@code -}; otherwise joined with
 * {@code .}.
 */
public final class Resolver {

    private final String namespace;

    /** Resolves into {@code namespace} ({@code ""}: none). */
    public Resolver(String namespace) {
        this.namespace = namespace.trim();
    }

    /** The route of {@code path}; empty for {@code /} and for a path with no segment left once cleaned. */
    public Optional<Route> resolve(String path) {
        List<String> parts = segments(path);
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        int n = parts.size();
        String name;
        String method;
        if (n <= 2) {
            name = parts.get(0);
            method = methodName(parts);
        } else if (n == 3 && isVersion(parts.get(0))) {
            name = parts.get(0) + "." + parts.get(1);
            method = methodName(parts.subList(1, 3));
        } else {
            name = String.join(".", parts.subList(0, n - 2));
            method = methodName(parts.subList(n - 2, n));
        }
        return Optional.of(new Route(withNamespace(namespace, name), method));
    }

    /** {@code name} in namespace {@code ns}, by Go Micro's rule. */
    static String withNamespace(String ns, String name) {
        if (ns.isEmpty()) {
            return name;
        }
        if (ns.endsWith("-")) {
            return (ns + name).replace('.', '-');
        }
        if (ns.endsWith(".")) {
            return ns + name;
        }
        return ns + "." + name;
    }

    /** The segments of {@code path} once cleaned as Go's {@code path.Clean} does. */
    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
                continue;
            }
            out.add(s);
        }
        return out;
    }

    private static boolean isVersion(String s) {
        if (s.length() < 2 || s.charAt(0) != 'v') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String methodName(List<String> parts) {
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            for (String word : part.split("-")) {
                if (!word.isEmpty()) {
                    sb.appendCodePoint(Character.toTitleCase(word.codePointAt(0)))
                            .append(word, Character.charCount(word.codePointAt(0)), word.length());
                }
            }
        }
        return sb.toString();
    }
}
