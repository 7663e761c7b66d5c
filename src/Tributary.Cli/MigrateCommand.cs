using Tributary.Core;
using Tributary.Server.Hosting;
using Tributary.Storage.Sql;

namespace Tributary.Cli;

internal static class MigrateCommand
{
    public static Command Create()
    {
        var binding = new ServerOptionsBinding();
        var command = new Command("migrate", "Apply the database migrations and exit.");
        binding.AddTo(command);
        command.SetAction((result, cancellationToken) => ServerOptionsBinding.GuardAsync(result, async () =>
        {
            var options = new TributaryServerOptionsValidator().ThrowIfInvalid(binding.Read(result));
            Directory.CreateDirectory(options.DataDir);
            await using var database = DatabaseFactory.Open(options.DatabaseUrl, options.DataDir);
            var applied = await MigrationRunner.MigrateAsync(database, TimeProvider.System, cancellationToken);
            await result.InvocationConfiguration.Output.WriteLineAsync(
                applied.Count == 0 ? $"{database.Description} is up to date." : $"Applied migrations {string.Join(", ", applied)} to {database.Description}.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
