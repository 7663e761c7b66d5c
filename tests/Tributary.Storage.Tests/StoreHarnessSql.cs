using System.Globalization;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Tests;

/// <summary>Plain SQL against a harness's database, for tests that look at or change rows behind the stores' back.</summary>
internal static class StoreHarnessSql
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static async Task ExecuteSqlAsync(this StoreHarness h, string sql)
    {
        await using var db = await h.Database.Database.OpenAsync(Token);
        await using var command = db.Command(sql);
        await command.ExecuteNonQueryAsync(Token);
    }

    public static async Task<long> ScalarSqlAsync(this StoreHarness h, string sql)
    {
        await using var db = await h.Database.Database.OpenAsync(Token);
        await using var command = db.Command(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Token), CultureInfo.InvariantCulture);
    }

    public static async Task<string> TextSqlAsync(this StoreHarness h, string sql)
    {
        await using var db = await h.Database.Database.OpenAsync(Token);
        await using var command = db.Command(sql);
        return (string)(await command.ExecuteScalarAsync(Token))!;
    }
}
