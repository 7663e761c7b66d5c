using System.CommandLine;
using Tributary.Storage.Sql;

namespace Tributary.Cli;

internal static class MigrateCommand
{
    public static Command Create()
    {
        var binding = new ServerOptionsBinding();
        var command = new Command("migrate", "Apply the database migrations and exit.");
        binding.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = binding.Read(result);
            Directory.CreateDirectory(options.DataDir);
            await using var database = options.DatabaseUrl is { } url ? Database.Postgres(url) : Database.Sqlite(Path.Combine(options.DataDir, "tributary.db"));
            var applied = await MigrationRunner.MigrateAsync(database, TimeProvider.System, cancellationToken);
            Console.WriteLine(applied.Count == 0 ? $"{database.Description} is up to date." : $"Applied migrations {string.Join(", ", applied)} to {database.Description}.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
