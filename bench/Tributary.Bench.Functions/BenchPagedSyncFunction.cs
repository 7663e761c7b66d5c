using System.Text.Json.Serialization;
using Tributary.Sdk;
using Tributary.Sdk.Paging;

namespace Tributary.Bench.Functions;

/// <summary>
/// The hand-written twin of B13's declarative sync: reads the offset-paged <c>/offset/items</c> endpoint of the
/// provider (pages of 1,000, items under <c>items</c>) and saves each page as it comes, as a C# author would write
/// it with the SDK's paginator and a typed item.
/// </summary>
[SyncFunction(Name)]
public sealed class BenchPagedSyncFunction : ISyncFunction
{
    public const string Name = "bench-paged";

    private static readonly PaginationOptions Offset = new()
    {
        Type = PaginationType.Offset,
        OffsetNameInRequest = "offset",
        LimitNameInRequest = "limit",
        Limit = 1000,
        ResponsePath = "items",
    };

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = context.Models[0];
        var batch = new List<PagedItem>(1000);
        await foreach (var item in context.PaginateItemsAsync<PagedItem>("offset/items", Offset, null, cancellationToken))
        {
            batch.Add(item);
            if (batch.Count == 1000)
            {
                await context.BatchSaveAsync(batch, model, cancellationToken);
                batch = new List<PagedItem>(1000);
            }
        }

        if (batch.Count > 0)
        {
            await context.BatchSaveAsync(batch, model, cancellationToken);
        }
    }

    /// <summary>The API's item as a C# author would type it.</summary>
    public sealed record PagedItem(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("email")] string Email,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("updated_at")] string UpdatedAt);
}
