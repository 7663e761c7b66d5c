using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Storage.Sql;
using Tributary.Testing;

namespace Tributary.Server.Tests.Process;

/// <summary>
/// Real processes starting together on one fresh data folder or database (key race, concurrent migrations), and a
/// process whose encryption key is not the database's: it refuses to start, naming the problem and never the key.
/// </summary>
public sealed class KeyStartupTests
{
    /// <summary>The fault tests' one sample-data sync (<see cref="FaultTestKit.Config"/>).</summary>
    private const string Config = FaultTestKit.Config;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TwoProcesses_OnOneFreshDataFolder_ShareOneKeyAndPrivateFiles()
    {
        var (directory, config) = await FolderAsync();
        var data = Path.Combine(directory, "data");
        var key = Guid.NewGuid().ToString();

        var started = await Task.WhenAll(
            ServerProcess.StartAsync(data, config, key, null, Token),
            ServerProcess.StartAsync(data, config, key, null, Token));
        await using var first = started[0];
        await using var second = started[1];

        await AssertCrossReadableAsync(first, second, key);
        var keyText = (await File.ReadAllTextAsync(Path.Combine(data, "encryption.key"), Token)).Trim();
        Assert.Single(Directory.GetFiles(data, "*encryption.key*"));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(data, "encryption.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        foreach (var file in Directory.GetFiles(data, "tributary.db*"))
        {
            Assert.True(File.GetUnixFileMode(file) == OwnerOnly, $"{file} is {File.GetUnixFileMode(file)}");
        }

        await using (var database = Database.Sqlite(Path.Combine(data, "tributary.db")))
        {
            Assert.Equal(MigrationRunner.Load(SqlDialect.Sqlite).Count, await CountAsync(database, "SELECT COUNT(*) FROM schema_migrations"));
            Assert.Equal(1, await CountAsync(database, "SELECT COUNT(*) FROM encryption_keys"));
        }

        AssertNoSecrets(first.Output + second.Output, key, keyText);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task TwoProcesses_OnOneFreshPostgres_WithTheSharedKey_BothServeWhatTheOtherWrote()
    {
        var (directory, config) = await FolderAsync();
        var databaseUrl = await TestPostgres.CreateDatabaseAsync(Token);
        var key = Guid.NewGuid().ToString();
        var encryption = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var shared = new Dictionary<string, string> { ["TRIBUTARY_ENCRYPTION_KEY"] = encryption };

        var started = await Task.WhenAll(
            ServerProcess.StartAsync(Path.Combine(directory, "a"), config, key, databaseUrl, shared, Token),
            ServerProcess.StartAsync(Path.Combine(directory, "b"), config, key, databaseUrl, shared, Token));
        await using var first = started[0];
        await using var second = started[1];

        await AssertCrossReadableAsync(first, second, key);
        await using (var database = Database.Postgres(databaseUrl))
        {
            Assert.Equal(MigrationRunner.Load(SqlDialect.Postgres).Count, await CountAsync(database, "SELECT COUNT(*) FROM schema_migrations"));
            Assert.Equal(1, await CountAsync(database, "SELECT COUNT(*) FROM encryption_keys"));
        }

        AssertNoSecrets(first.Output + second.Output, key, encryption);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task TwoProcesses_OnOneFreshPostgres_EachWithItsOwnGeneratedKey_OneServesAndTheOtherRefuses()
    {
        var (directory, config) = await FolderAsync();
        var databaseUrl = await TestPostgres.CreateDatabaseAsync(Token);
        var key = Guid.NewGuid().ToString();

        var attempts = await Task.WhenAll(
            TryStartAsync(Path.Combine(directory, "a"), config, key, databaseUrl, null),
            TryStartAsync(Path.Combine(directory, "b"), config, key, databaseUrl, null));
        try
        {
            var up = Assert.Single(attempts, a => a.Server is not null);
            var refused = Assert.Single(attempts, a => a.Server is null);
            Assert.Contains("Refusing to start", refused.Output, StringComparison.Ordinal);
            Assert.Contains("was missing", refused.Output, StringComparison.Ordinal);
            await using var database = Database.Postgres(databaseUrl);
            Assert.Equal(1, await CountAsync(database, "SELECT COUNT(*) FROM encryption_keys"));
            Assert.Equal(MigrationRunner.Load(SqlDialect.Postgres).Count, await CountAsync(database, "SELECT COUNT(*) FROM schema_migrations"));

            // The refused process kept no key of its own: its folder holds none.
            var refusedFolder = Path.Combine(directory, attempts[0].Server is null ? "a" : "b");
            Assert.False(File.Exists(Path.Combine(refusedFolder, "encryption.key")));
        }
        finally
        {
            foreach (var attempt in attempts)
            {
                if (attempt.Server is not null)
                {
                    await attempt.Server.DisposeAsync();
                }
            }
        }

        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Restart_WithAnotherEncryptionKey_RefusesToStartNamingTheProblemNotTheKey(TestDialect dialect)
    {
        var (directory, config) = await FolderAsync();
        var data = Path.Combine(directory, "data");
        var databaseUrl = dialect == TestDialect.Postgres ? await TestPostgres.CreateDatabaseAsync(Token) : null;
        var key = Guid.NewGuid().ToString();
        await using (var original = await ServerProcess.StartAsync(data, config, key, databaseUrl, Token))
        {
            using var client = new TributaryClient(original.BaseUrl, key);
            await CreateConnectionAsync(client, "acme");
        }

        var original64 = (await File.ReadAllTextAsync(Path.Combine(data, "encryption.key"), Token)).Trim();
        var wrong = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var configured = await TryStartAsync(data, config, key, databaseUrl, new Dictionary<string, string> { ["TRIBUTARY_ENCRYPTION_KEY"] = wrong });
        File.Delete(Path.Combine(data, "encryption.key"));
        var missing = await TryStartAsync(data, config, key, databaseUrl, null);
        await File.WriteAllTextAsync(Path.Combine(data, "encryption.key"), original64 + "\n", Token);
        await using var restored = await ServerProcess.StartAsync(data, config, key, databaseUrl, Token);
        using var restoredClient = new TributaryClient(restored.BaseUrl, key);
        var connection = await restoredClient.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token);

        Assert.Null(configured.Server);
        Assert.Contains("Refusing to start: TRIBUTARY_ENCRYPTION_KEY (key id", configured.Output, StringComparison.Ordinal);
        Assert.Contains("is not the key this database's credentials were written with", configured.Output, StringComparison.Ordinal);
        Assert.Null(missing.Server);
        Assert.Contains("encryption.key was missing", missing.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, "encryption.key.next")));
        AssertNoSecrets(configured.Output + missing.Output + restored.Output, key, wrong, original64);
        Assert.Equal("acme", (string?)connection!["connection_id"]);
        Directory.Delete(directory, recursive: true);
    }

    private static async Task<(string Directory, string Config)> FolderAsync()
    {
        var directory = Directory.CreateTempSubdirectory("tributary-keys-").FullName;
        var config = Path.Combine(directory, "tributary.yaml");
        await File.WriteAllTextAsync(config, Config, Token);
        return (directory, config);
    }

    private static async Task<(ServerProcess? Server, string Output)> TryStartAsync(
        string dataDir, string config, string key, string? databaseUrl, IReadOnlyDictionary<string, string>? environment)
    {
        try
        {
            var server = await ServerProcess.StartAsync(dataDir, config, key, databaseUrl, environment, Token);
            return (server, server.Output);
        }
        catch (InvalidOperationException exited) when (exited.Message.StartsWith("tributary exited", StringComparison.Ordinal))
        {
            return (null, exited.Message);
        }
    }

    private static async Task AssertCrossReadableAsync(ServerProcess first, ServerProcess second, string key)
    {
        using var a = new TributaryClient(first.BaseUrl, key);
        using var b = new TributaryClient(second.BaseUrl, key);
        await CreateConnectionAsync(a, "from-a");
        await CreateConnectionAsync(b, "from-b");

        var readByB = await b.SendAsync(HttpMethod.Get, "connections/from-a?provider_config_key=demo", null, null, Token);
        var readByA = await a.SendAsync(HttpMethod.Get, "connections/from-b?provider_config_key=demo", null, null, Token);

        Assert.Equal("from-a", (string?)readByB!["connection_id"]);
        Assert.Equal("from-b", (string?)readByA!["connection_id"]);
        Assert.NotNull(readByB["credentials"]);
        Assert.NotNull(readByA["credentials"]);
    }

    private static Task<JsonNode?> CreateConnectionAsync(TributaryClient client, string connectionId) =>
        client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = "demo",
                ["connection_id"] = connectionId,
                ["credentials"] = new JsonObject { ["type"] = "NONE" },
                ["metadata"] = new JsonObject { ["records"] = 5 },
            },
            Token);

    private static async Task<long> CountAsync(Database database, string sql)
    {
        await using var connection = await database.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void AssertNoSecrets(string output, params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, output, StringComparison.OrdinalIgnoreCase);
        }
    }
}
