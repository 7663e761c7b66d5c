using Tributary.Core.Configuration;
using Tributary.Core.Engine;
using Tributary.Server.Hosting;

namespace Tributary.Cli;

internal static class DeployCommand
{
    /// <param name="configureServices">The host's registrations: deploy checks that every sync's function resolves among them.</param>
    public static Command Create(Action<IServiceCollection>? configureServices = null)
    {
        var binding = new ServerOptionsBinding();
        var command = new Command("deploy", "Validate tributary.yaml and apply it to the database (runs, checkpoints and records are kept).");
        binding.AddTo(command);
        command.SetAction((result, cancellationToken) => ServerOptionsBinding.GuardAsync(result, async () =>
        {
            var options = binding.Read(result);
            options.Quiet = true;
            options.Role = ServerRole.Api;
            try
            {
                // Building the app migrates, ensures the environment and deploys; it is not started.
                var engine = new EngineOptions { RunScheduler = false, RunWorkers = false };
                await using var app = await TributaryApp.BuildAsync(options, engine, configureServices, cancellationToken);
                await result.InvocationConfiguration.Output.WriteLineAsync(
                    File.Exists(options.ConfigPath) ? $"Deployed {options.ConfigPath}." : "No configuration file; deployed the built-in demo.");
                return ExitCodes.Ok;
            }
            catch (ConfigException ex)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync(ex.Message);
                return ExitCodes.BadInput;
            }
        }));
        return command;
    }
}
