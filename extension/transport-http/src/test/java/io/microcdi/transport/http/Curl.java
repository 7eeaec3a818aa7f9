package io.microcdi.transport.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code curl} (built with nghttp2) against a loopback server and returns what it printed.
 *
 * <pre>{@code
 * Curl.Result r = Curl.run("--http2-prior-knowledge", "-d", "{}", "http://127.0.0.1:" + port + "/");
 * }</pre>
 */
final class Curl {

    /** Printed after the body by {@link #call}: the HTTP version curl used, on its own line. */
    static final String VERSION_MARK = "\nhttp_version=";

    private Curl() {
    }

    /** What curl printed and how it ended. */
    record Result(int exit, String out, String err) {

        /** The body, without the {@link #VERSION_MARK} line. */
        String body() {
            int i = out.lastIndexOf(VERSION_MARK);
            return i < 0 ? out : out.substring(0, i);
        }

        /** The HTTP version curl used: {@code 2}, {@code 1.1}. */
        String httpVersion() {
            int i = out.lastIndexOf(VERSION_MARK);
            return i < 0 ? "" : out.substring(i + VERSION_MARK.length()).trim();
        }
    }

    /** A greeter call as the docs show it, plus {@code extra} options (protocol, certificates), to {@code url}. */
    static Result call(String url, String endpoint, String body, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("-sS", "--max-time", "20",
                "-H", "Content-Type: application/json", "-H", "Micro-Endpoint: " + endpoint, "-d", body,
                "-w", VERSION_MARK + "%{http_version}"));
        args.addAll(List.of(extra));
        args.add(url);
        return run(args.toArray(new String[0]));
    }

    static Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("curl timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }
}
