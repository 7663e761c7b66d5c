using Tributary.Storage.Sql;

namespace Tributary.Cli.Tests.Options;

/// <summary>The one rule every verb uses to pick its database.</summary>
public sealed class DatabaseFactoryTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Open_NoUrl_IsSqliteInTheDataFolder(string? url)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "tributary-factory-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var database = DatabaseFactory.Open(url, dataDir);

            Assert.Equal(SqlDialectKind.Sqlite, database.Kind);
            Assert.Equal($"sqlite:{Path.Combine(dataDir, "tributary.db")}", database.Description);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Database=tributary;Username=t", "postgres:127.0.0.1:5432/tributary")]
    [InlineData("postgres://t:secret@db.local:6543/app", "postgres:db.local:6543/app")]
    public async Task Open_AUrl_IsPostgres_AndItsDescriptionKeepsNoPassword(string url, string description)
    {
        await using var database = DatabaseFactory.Open(url, "unused");

        Assert.Equal(SqlDialectKind.Postgres, database.Kind);
        Assert.Equal(description, database.Description);
        Assert.False(Directory.Exists("unused"));
    }
}
