using System.CommandLine;

namespace Tributary.Cli.Tests;

/// <summary>What one verb printed and returned.</summary>
internal sealed record CommandRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
}

/// <summary>Runs the <c>tributary</c> command line in this process, with its output captured.</summary>
internal static class CommandLine
{
    /// <summary>The verbs as Program.cs assembles them.</summary>
    /// <summary>The same command line the <c>tributary</c> binary runs.</summary>
    public static RootCommand CreateRoot() => TributaryCommandLine.Create();

    public static Task<CommandRun> RunAsync(CancellationToken cancellationToken, params string[] args) =>
        RunAsync(new StringWriter(), new StringWriter(), cancellationToken, args);

    /// <summary>Runs <paramref name="args"/> on <paramref name="root"/> (a host's command line, with its own functions).</summary>
    public static async Task<CommandRun> RunAsync(RootCommand root, CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        var exitCode = await root.Parse(args).InvokeAsync(configuration, cancellationToken);
        return new CommandRun(exitCode, output.ToString(), error.ToString());
    }

    /// <param name="output">Where stdout goes; a server verb writes to it from another thread, so pass a synchronised writer.</param>
    public static async Task<CommandRun> RunAsync(TextWriter output, TextWriter error, CancellationToken cancellationToken, params string[] args)
    {
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,

            // No Ctrl+C hook in a test process, and an exception fails the test instead of becoming exit code 1.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };
        var exitCode = await CreateRoot().Parse(args).InvokeAsync(configuration, cancellationToken);
        return new CommandRun(exitCode, output.ToString() ?? string.Empty, error.ToString() ?? string.Empty);
    }
}
