using System.Text.Json.Nodes;
using Tributary.Sdk;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>Checkpoints through the engine's context over the real store, on both databases.</summary>
public abstract class CheckpointContract
{
    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> InvalidCheckpoints => new()
    {
        "too many keys",
        "nested object",
        "array",
        "null",
        "long string",
        "long key",
    };

    private static JsonObject Invalid(string kind) => kind switch
    {
        "too many keys" => new(Enumerable.Range(0, 17).Select(i => KeyValuePair.Create($"k{i}", (JsonNode?)i))),
        "nested object" => new() { ["page"] = new JsonObject { ["n"] = 1 } },
        "array" => new() { ["pages"] = new JsonArray(1, 2) },
        "null" => new() { ["cursor"] = null },
        "long string" => new() { ["cursor"] = new string('x', 4001) },
        _ => new() { [new string('k', 256)] = 1 },
    };

    [Theory]
    [MemberData(nameof(InvalidCheckpoints))]
    public async Task SaveCheckpoint_NotAFlatObjectWithinLimits_IsRejectedAndNothingStored(string kind)
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var context = t.Context(await t.StartRunAsync("deals", Token));

        await Assert.ThrowsAsync<InvalidRecordsException>(() => context.SaveCheckpointAsync(Invalid(kind), Token));

        Assert.Null(await context.GetCheckpointAsync(Token));
    }

    [Fact]
    public async Task SaveCheckpoint_AtTheLimits_StoresStringsNumbersBooleansAndDatesAsIsoStrings()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var context = t.Context(await t.StartRunAsync("deals", Token));
        var checkpoint = new JsonObject
        {
            ["cursor"] = new string('x', 4000),
            ["page"] = 3,
            ["ratio"] = 0.5,
            ["done"] = false,
            ["since"] = JsonValue.Create(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(2))),
            ["looksLikeADate"] = "2026-01-02",
        };
        foreach (var i in Enumerable.Range(0, 10))
        {
            checkpoint[$"k{i}"] = i;
        }

        await context.SaveCheckpointAsync(checkpoint, Token);
        var stored = await context.GetCheckpointAsync(Token);

        Assert.Equal(16, stored!.Count);
        Assert.Equal("2026-01-02T01:04:05.678Z", (string?)stored["since"]);
        Assert.Equal("2026-01-02", (string?)stored["looksLikeADate"]);
        Assert.Equal(4000, ((string?)stored["cursor"])!.Length);
        Assert.False((bool)stored["done"]!);
        Assert.Equal(0.5, (double)stored["ratio"]!);
    }

    [Fact]
    public async Task SaveCheckpoint_SavedBySomeoneElseSinceRead_IsAConflict()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var run = await t.StartRunAsync("deals", Token);
        var mine = t.Context(run);
        var theirs = t.Context(run);
        await mine.SaveCheckpointAsync(new JsonObject { ["page"] = 1 }, Token);
        await theirs.GetCheckpointAsync(Token);
        await mine.SaveCheckpointAsync(new JsonObject { ["page"] = 2 }, Token);

        var conflict = await Assert.ThrowsAsync<CheckpointConflictException>(() => theirs.SaveCheckpointAsync(new JsonObject { ["page"] = 99 }, Token));

        Assert.Contains("sync:deals:base", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(2, (int)(await mine.GetCheckpointAsync(Token))!["page"]!);
    }

    [Fact]
    public async Task ClearCheckpoint_MissingOrTwice_IsANoOp_AndASaveAfterwardsWorks()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var context = t.Context(await t.StartRunAsync("deals", Token));

        await context.ClearCheckpointAsync(Token);
        await context.SaveCheckpointAsync(new JsonObject { ["page"] = 1 }, Token);
        await context.ClearCheckpointAsync(Token);
        await context.ClearCheckpointAsync(Token);
        var cleared = await context.GetCheckpointAsync(Token);
        await context.SaveCheckpointAsync(new JsonObject { ["page"] = 2 }, Token);

        Assert.Null(cleared);
        Assert.Equal(2, (int)(await context.GetCheckpointAsync(Token))!["page"]!);
    }
}

public sealed class SqliteCheckpointTests : CheckpointContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresCheckpointTests : CheckpointContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
