using Tributary.Storage.Sql;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

public sealed class MigrationTests
{
    [Fact]
    public void Load_BothDialects_HaveTheSameVersionNumbers()
    {
        var sqlite = MigrationRunner.Load(SqlDialect.Sqlite).Select(m => m.Version).ToList();
        var postgres = MigrationRunner.Load(SqlDialect.Postgres).Select(m => m.Version).ToList();

        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, postgres);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Migrate_Twice_AppliesEveryMigrationOnce(TestDialect dialect)
    {
        var token = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(dialect, token, migrate: false);

        var first = await MigrationRunner.MigrateAsync(database.Database, TimeProvider.System, token);
        var second = await MigrationRunner.MigrateAsync(database.Database, TimeProvider.System, token);

        Assert.Equal(MigrationRunner.Load(database.Database.Dialect).Select(m => m.Version), first);
        Assert.Empty(second);
    }
}
