using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Tributary.Sdk.Paging;

/// <summary>Pagination through a run's <see cref="SyncContext.Http"/>, with the provider's <c>proxy.paginate</c> as the default.</summary>
public static class SyncContextPaging
{
    /// <summary>
    /// The pages of <paramref name="endpoint"/> (relative to the integration's base URL), paginated by
    /// <paramref name="options"/> over the provider's default (<see cref="SyncContext.ProviderPagination"/>); with
    /// <paramref name="options"/> null, by the default alone.
    /// </summary>
    /// <exception cref="ArgumentException">Neither the call nor the provider says how to paginate, or the merged options are incomplete.</exception>
    public static IAsyncEnumerable<PaginatedPage> PaginateAsync(this SyncContext context, string endpoint, PaginationOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Paginator.PagesAsync(context.Http, endpoint, Merge(context, options), cancellationToken);
    }

    /// <summary>The items of every page of <paramref name="endpoint"/> as <typeparamref name="T"/>, paginated as <see cref="PaginateAsync"/> does.</summary>
    /// <param name="context">The run's context.</param>
    /// <param name="endpoint">The first page's URL, relative to the integration's base URL.</param>
    /// <param name="options">This call's settings over the provider's default, or null for the default.</param>
    /// <param name="serializerOptions">How items deserialize; <see cref="JsonSerializerOptions.Web"/> when null.</param>
    /// <param name="cancellationToken">Stops the pagination.</param>
    public static IAsyncEnumerable<T> PaginateItemsAsync<T>(
        this SyncContext context,
        string endpoint,
        PaginationOptions? options,
        JsonSerializerOptions? serializerOptions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Paginator.ItemsAsync<T>(context.Http, endpoint, Merge(context, options), serializerOptions, cancellationToken);
    }

    private static PaginationOptions Merge(SyncContext context, PaginationOptions? options) =>
        (options ?? new PaginationOptions()).WithDefaults(context.ProviderPagination);
}
