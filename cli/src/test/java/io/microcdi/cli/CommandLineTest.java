package io.microcdi.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line itself: help on every command, completion, and the one or two lines a bad option or
 * configuration value prints. Nothing here reaches a service.
 */
class CommandLineTest {

    @ParameterizedTest
    @ValueSource(strings = {"services", "describe", "call", "stream", "publish", "subscribe", "health", "watch",
            "api", "completion"})
    void everyCommandHasHelp(String command) {
        Cli.Run r = Cli.run(command, "--help");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("Usage: micro " + command).contains("--registry=NAME", "--output=FORMAT",
                "-D=KEY=VALUE", "--debug");
    }

    @Test
    void theRootHelpListsTheCommands() {
        Cli.Run r = Cli.run("--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("services", "describe", "call", "stream", "publish", "subscribe", "health",
                "watch", "load", "api", "completion", "Exit codes:");
    }

    @Test
    void noCommandPrintsTheUsageAndFails() {
        Cli.Run r = Cli.run();

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("Usage: micro");
    }

    @Test
    void completionPrintsABashScriptForEveryCommand() {
        Cli.Run r = Cli.run("completion");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_micro", "services",
                "subscribe", "--registry", "--content-type");
    }

    @Test
    void anUnknownPluginNameIsOneLineWithTheNamesAllowed() {
        Cli.Run r = Cli.run("--registry", "consul", "services");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).containsExactly(
                "micro services: micro.registry=consul (expected: one of etcd, gossip, mdns, memory)");
    }

    @Test
    void everyBadPluginNameIsReportedAtOnce() {
        Cli.Run r = Cli.run("services", "--registry", "consul", "--broker", "rabbitmq");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("micro services: micro.registry=consul (expected: one of etcd, "
                + "gossip, mdns, memory); micro.broker=rabbitmq (expected: one of http, kafka, memory, nats)");
    }

    @Test
    void aRenamedKeyNamesItsNewName() {
        Cli.Run r = Cli.run("-Dmicro.registry.timeout=1s", "services");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("micro services: micro.registry.timeout is no longer read "
                + "(expected: micro.registry.mdns.timeout, its new name)");
    }

    @Test
    void debugAddsTheStackTrace() {
        Cli.Run r = Cli.run("--registry", "consul", "--debug", "services");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines().get(0)).isEqualTo(
                "micro services: micro.registry=consul (expected: one of etcd, gossip, mdns, memory)");
        assertThat(r.err()).contains("io.microcdi.config.ConfigException", "\tat io.microcdi.");
    }

    @Test
    void aBadOptionValueIsTwoLines() {
        Cli.Run r = Cli.run("call", "greeter", "Greeter.Hello", "--timeout", "soon");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly(
                "micro call: Invalid value for option '--timeout': soon (expected: a duration > 0 such as 500ms, "
                        + "5s, 1m, 2h or PT5S)",
                "Try 'micro call --help' for more.");
    }

    @Test
    void anUnknownCommandSuggestsTheNearestOne() {
        Cli.Run r = Cli.run("servics");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(2);
        assertThat(r.errLines().get(0)).contains("'servics'", "did you mean: services?");
    }

    @Test
    void aBadOutputFormatNamesTheAllowedOnes() {
        Cli.Run r = Cli.run("services", "--output", "yaml");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines().get(0)).contains("yaml (expected: text or json)");
    }

    @Test
    void aBadAddressNamesTheForm() {
        Cli.Run r = Cli.run("call", "--address", "localhost", "greeter", "Greeter.Hello");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly(
                "micro call: --address=localhost (expected: HOST:PORT such as 127.0.0.1:8080)");
    }

    @Test
    void versionNamesTheCommand() {
        Cli.Run r = Cli.run("--version");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("micro ");
    }
}
