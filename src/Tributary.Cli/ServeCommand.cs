using Microsoft.Extensions.Hosting;
using Tributary.Core.Engine;
using Tributary.Server.Hosting;

namespace Tributary.Cli;

internal static class ServeCommand
{
    /// <summary>
    /// How long the process may take to stop after SIGTERM or Ctrl+C: the host's shutdown timeout (the drain, then
    /// the hand-back of runs still in progress) and a margin for disposing it.
    /// </summary>
    public static TimeSpan ProcessTerminationTimeout => new EngineOptions().ShutdownTimeout + TimeSpan.FromSeconds(5);

    public static Command Create(Action<IServiceCollection>? configureServices = null)
    {
        var binding = new ServerOptionsBinding();
        var port = new Option<int?>("--port") { Description = "Port on 127.0.0.1 (TRIBUTARY_PORT; default 3003, Nango's local port)" };
        var host = new Option<string?>("--host") { Description = "Address to listen on (TRIBUTARY_HOST; default 127.0.0.1)" };
        var role = new Option<string>("--role") { Description = "all (API and workers), api or worker", DefaultValueFactory = _ => ServerRole.All.ToName() };
        role.AcceptOnlyFromAmong([.. ServerRoles.Names]);
        var slots = new Option<int?>("--worker-slots") { Description = "Runs a worker executes at once (default 16)" };
        var lease = new Option<double?>("--lease-seconds") { Description = "Run lease duration in seconds (default 30)" };
        var poll = new Option<int?>("--poll-ms") { Description = "Fallback poll of the run queue in milliseconds (default 500); wake-ups are immediate" };
        var rateLimit = new Option<int?>("--rate-limit-per-minute") { Description = "Requests per minute per environment; 0 turns it off (TRIBUTARY_RATE_LIMIT_PER_MINUTE; default 60000)" };
        var pathBase = new Option<string?>("--path-base") { Description = "Serve the API under a path prefix, e.g. /nango (TRIBUTARY_PATH_BASE)" };
        var otlp = new Option<string?>("--otlp-endpoint") { Description = "Export traces to this OTLP collector, e.g. http://127.0.0.1:4317 (TRIBUTARY_OTLP_ENDPOINT; none by default)" };
        var command = new Command("serve", "Run the API and the workers.");
        binding.AddTo(command);
        command.Options.Add(port);
        command.Options.Add(host);
        command.Options.Add(role);
        command.Options.Add(slots);
        command.Options.Add(lease);
        command.Options.Add(pathBase);
        command.Options.Add(poll);
        command.Options.Add(rateLimit);
        command.Options.Add(otlp);
        command.SetAction((result, cancellationToken) => ServerOptionsBinding.GuardAsync(result, async () =>
        {
            var options = binding.Read(result);
            options.Port = binding.Int(result, port, "TRIBUTARY_PORT", 3003);
            options.Host = binding.Text(result, host, "TRIBUTARY_HOST", "127.0.0.1")!;
            options.Role = ServerRoles.Parse(result.GetValue(role) ?? ServerRole.All.ToName());
            options.PathBase = binding.Text(result, pathBase, "TRIBUTARY_PATH_BASE");
            options.RateLimitPerMinute = binding.Int(result, rateLimit, "TRIBUTARY_RATE_LIMIT_PER_MINUTE", 60_000);
            options.OtlpEndpoint = binding.Text(result, otlp, "TRIBUTARY_OTLP_ENDPOINT");
            var engine = new EngineOptions();
            if (result.GetValue(slots) is { } s)
            {
                engine.WorkerSlots = s;
            }

            if (result.GetValue(poll) is { } pollMs)
            {
                engine.PollInterval = TimeSpan.FromMilliseconds(pollMs);
            }

            if (result.GetValue(lease) is { } l)
            {
                engine.LeaseDuration = TimeSpan.FromSeconds(l);
                engine.ReaperInterval = TimeSpan.FromSeconds(Math.Max(0.2, l / 4));
            }

            var configure = TestClockOffset.Apply(configureServices);
            await using var app = await TributaryApp.BuildAsync(
                options,
                engine,
                services =>
                {
                    // The host waits for the drain and the hand-back of runs (its default would cut them at 30 s).
                    services.Configure<HostOptions>(o => o.ShutdownTimeout = engine.ShutdownTimeout);
                    configure?.Invoke(services);
                },
                cancellationToken);
            await result.InvocationConfiguration.Output.WriteLineAsync(
                $"Tributary listening on http://{options.Host}:{options.Port}{options.PathBase} (role {options.Role.ToName()}).");
            await app.StartAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
