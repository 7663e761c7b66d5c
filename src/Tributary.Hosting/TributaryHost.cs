using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Cli;

namespace Tributary.Hosting;

/// <summary>
/// Runs Tributary from your own program: the same verbs and roles as the <c>tributary</c> command, with your sync
/// functions registered.
/// </summary>
/// <example>
/// <code>
/// return await TributaryHost.RunAsync(args, services => services.AddSyncFunction&lt;ContactsSync&gt;());
/// </code>
/// </example>
public static class TributaryHost
{
    /// <summary>Parses <paramref name="args"/> as the <c>tributary</c> command does and runs the verb.</summary>
    /// <param name="args">The process's arguments, e.g. <c>serve --port 3003</c> or <c>deploy</c>.</param>
    /// <param name="configureServices">
    /// Your registrations (functions, and anything their constructors need), applied after the server's own for every
    /// verb that builds a server (<c>serve</c>, <c>deploy</c>).
    /// </param>
    /// <returns>The process exit code: 0 on success, 2 for bad input or settings.</returns>
    public static Task<int> RunAsync(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(args);

        // System.CommandLine ends the process 2 s after SIGTERM by default, before `serve` has handed its runs back.
        return TributaryCommandLine.Create(configureServices).Parse(args)
            .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = ServeCommand.ProcessTerminationTimeout });
    }
}
