package io.microcdi.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code micro completion}: prints a bash completion script for every command and option.
 *
 * <pre>{@code
 * source <(micro completion)                       # this shell
 * micro completion > /etc/bash_completion.d/micro  # every new shell
 * }</pre>
 */
@Command(name = "completion", description = {"Prints a bash completion script for micro: "
        + "source <(micro completion), or save it to /etc/bash_completion.d/micro (zsh: after "
        + "autoload -U +X bashcompinit && bashcompinit)."})
final class CompletionCommand extends Subcommand {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandSpec root = spec.root();
        out().print(AutoComplete.bash(root.name(), root.commandLine()));
        out().flush();
        return 0;
    }
}
