package io.microcdi.cli;

import io.microcdi.config.ConfigException;
import io.microcdi.gateway.Gateway;
import io.microcdi.gateway.GatewayConfig;
import io.microcdi.gateway.GatewayHttpServer;
import io.microcdi.gateway.NodeHealth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;

/**
 * {@code micro api}: Go Micro's API gateway and the web dashboard, served from the command line until Ctrl-C, with
 * the rules and {@code micro.gateway.*} keys of the gateway an application runs on JAX-RS ({@code microcdi-gateway}).
 *
 * <pre>{@code
 * $ micro api --address 127.0.0.1:8080
 * micro api on http://127.0.0.1:8080 (dashboard: http://127.0.0.1:8080/_micro/); Ctrl-C to stop
 * $ curl -d '{"name":"John"}' http://127.0.0.1:8080/greeter/hello
 * {"greeting":"Hello John"}
 * $ micro api --namespace go.micro.api -Dmicro.gateway.rate-limit=100 -Dmicro.gateway.cors.allowed-origins=*
 * }</pre>
 */
@Command(name = "api", description = {"Serves Go Micro's API gateway over HTTP/JSON in front of the services "
        + "(POST /greeter/hello calls Greeter.Hello of greeter; Accept: text/event-stream opens a stream) and the web "
        + "dashboard under /_micro/, until Ctrl-C.",
        "The gateway's settings are the micro.gateway.* keys, given with -D (-Dmicro.gateway.rate-limit=100).",
        "A line on standard error gives the address once it listens."})
final class ApiCommand extends Subcommand {

    /** Where {@code micro api} listens unless told: loopback, Go Micro's port. */
    static final String DEFAULT_ADDRESS = "127.0.0.1:8080";

    @Option(names = "--address", paramLabel = "HOST:PORT", defaultValue = DEFAULT_ADDRESS,
            description = "Where to listen (default: ${DEFAULT-VALUE}; :PORT for every interface, as Go Micro's; "
                    + "port 0 for a free one).")
    String address;

    @Option(names = "--namespace", paramLabel = "NAMESPACE",
            description = "Prefixed to the service a path resolves to (go.micro.api: /greeter/hello calls "
                    + "go.micro.api.greeter); the same as -D" + GatewayConfig.NAMESPACE + "=NAMESPACE.")
    String namespace;

    @Override
    public Integer call() throws InterruptedException {
        InetSocketAddress bind = parse(address);
        if (namespace != null) {
            micro().properties.put(GatewayConfig.NAMESPACE, namespace);
        }
        Session s = session();
        Gateway gateway = Gateway.fromConfig(s.config(), s.client());
        NodeHealth health = new NodeHealth(s.registry(), s.plugins(), s.config(), s.transport(), s.codecs());
        try (GatewayHttpServer server = GatewayHttpServer.start(bind, gateway, s.registry(), health)) {
            String url = "http://" + hostPort(server.address());
            err().println("micro api on " + url + (gateway.config().dashboard() ? " (dashboard: " + url
                    + "/_micro/)" : "") + "; Ctrl-C to stop");
            err().flush();
            s.awaitClose();
        }
        return 0;
    }

    /** {@code host:port}, {@code [v6]:port} or {@code :port} (every interface). */
    static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? "" : address.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (colon < 0 || port < 0 || port > 65535) {
            throw new ConfigException("--address=" + address + " (expected: HOST:PORT or :PORT with a port of 0 to "
                    + "65535, as " + DEFAULT_ADDRESS + ")");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
