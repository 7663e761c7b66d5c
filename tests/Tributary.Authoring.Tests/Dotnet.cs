using System.Diagnostics;
using System.Text;

namespace Tributary.Authoring.Tests;

/// <summary>Runs the <c>dotnet</c> command as an author would, bounded in time, failing with its output.</summary>
internal static class Dotnet
{
    /// <exception cref="InvalidOperationException">It exited with a non-zero code or ran past <paramref name="timeout"/>; the message has its output.</exception>
    public static async Task<string> RunAsync(string workingDirectory, TimeSpan timeout, CancellationToken cancellationToken, params string[] args)
    {
        var (code, output) = await TryRunAsync(workingDirectory, timeout, cancellationToken, args);
        return code == 0 ? output : throw new InvalidOperationException($"dotnet {string.Join(' ', args)} exited with {code}:\n{output}");
    }

    public static async Task<(int ExitCode, string Output)> TryRunAsync(string workingDirectory, TimeSpan timeout, CancellationToken cancellationToken, params string[] args)
    {
        using var process = Start(workingDirectory, args, null, out var output);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} ran past {timeout}:\n{Text(output)}");
        }

        // WaitForExitAsync returns after the redirected streams are drained.
        return (process.ExitCode, Text(output));
    }

    /// <summary>Starts a long-running dotnet command (e.g. <c>run -- serve</c>); the caller kills it.</summary>
    public static Process Start(string workingDirectory, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment, out StringBuilder output)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // A build inside a test must not share (and keep alive) the outer build's MSBuild and compiler servers.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["UseSharedCompilation"] = "false";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var text = new StringBuilder();
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet.");
        process.OutputDataReceived += (_, e) => Append(text, e.Data);
        process.ErrorDataReceived += (_, e) => Append(text, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = text;
        return process;
    }

    public static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
