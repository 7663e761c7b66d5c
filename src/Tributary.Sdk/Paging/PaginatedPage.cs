using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tributary.Sdk.Paging;

/// <summary>One page of a paginated API.</summary>
/// <param name="Number">The page's position, from 1.</param>
/// <param name="RequestUri">The URL the page was requested at, as the function's client resolved it (relative when the client has a base address).</param>
/// <param name="StatusCode">The provider's status code (a success code).</param>
/// <param name="Headers">The response's headers, e.g. rate-limit headers.</param>
/// <param name="Body">The whole response body.</param>
/// <param name="Items">The items at <see cref="PaginationOptions.ResponsePath"/> (the body itself when no path is set).</param>
public sealed record PaginatedPage(
    int Number,
    Uri RequestUri,
    HttpStatusCode StatusCode,
    HttpResponseHeaders Headers,
    JsonElement Body,
    IReadOnlyList<JsonElement> Items);
