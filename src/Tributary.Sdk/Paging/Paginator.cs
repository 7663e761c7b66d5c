using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Tributary.Sdk.Paging;

/// <summary>
/// Pages through a provider's list endpoint with GET requests: cursor in the body, <c>Link</c> header or body link,
/// offset or page number (<see cref="PaginationOptions"/>). Each page is requested only when the caller asks for it,
/// so a function that saves and checkpoints each page holds one page in memory.
/// </summary>
/// <remarks>
/// Stop rules follow Nango's <c>paginate</c>: a cursor pagination stops on an empty page (not yielded) or a missing,
/// blank or non-scalar cursor; a link pagination on a missing next link or the same link twice (empty pages are
/// yielded); an offset pagination on an empty page or one shorter than <see cref="PaginationOptions.Limit"/>. Beyond
/// Nango, every pagination is bounded by <see cref="PaginationOptions.MaxPages"/>, a cursor that repeats is an error
/// rather than a loop, and a next link is followed only within the first request's origin, so the connection's
/// credentials never go to another host.
/// </remarks>
public static class Paginator
{
    /// <summary>The pages of <paramref name="endpoint"/> (relative to the client's base address, or absolute), in order.</summary>
    /// <param name="http">The client to send with, e.g. <see cref="SyncContext.Http"/>.</param>
    /// <param name="endpoint">The first page's URL, with any fixed query parameters (<c>issues?state=all</c>).</param>
    /// <param name="options">The pagination; must have a <see cref="PaginationOptions.Type"/> (merge defaults first with <see cref="PaginationOptions.WithDefaults"/>).</param>
    /// <param name="cancellationToken">Stops the pagination between and during requests.</param>
    /// <exception cref="ArgumentException">The options cannot describe a pagination (checked before any request).</exception>
    /// <exception cref="HttpRequestException">A page answered a non-success status; the exception carries the status code.</exception>
    /// <exception cref="PaginationException">A page cannot be followed (see the exception's summary).</exception>
    public static IAsyncEnumerable<PaginatedPage> PagesAsync(HttpClient http, string endpoint, PaginationOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var first = http.BaseAddress is { } baseAddress ? new Uri(baseAddress, endpoint) : new Uri(endpoint, UriKind.Absolute);
        return PagesCoreAsync(http, first, options, cancellationToken);
    }

    /// <summary>The items of every page of <paramref name="endpoint"/>, deserialized as <typeparamref name="T"/>.</summary>
    /// <param name="http">The client to send with, e.g. <see cref="SyncContext.Http"/>.</param>
    /// <param name="endpoint">The first page's URL, with any fixed query parameters.</param>
    /// <param name="options">The pagination.</param>
    /// <param name="serializerOptions">How items deserialize; <see cref="JsonSerializerOptions.Web"/> when null.</param>
    /// <param name="cancellationToken">Stops the pagination.</param>
    /// <exception cref="PaginationException">An item does not deserialize as <typeparamref name="T"/>, or a page cannot be followed.</exception>
    public static async IAsyncEnumerable<T> ItemsAsync<T>(
        HttpClient http,
        string endpoint,
        PaginationOptions options,
        JsonSerializerOptions? serializerOptions,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in PagesAsync(http, endpoint, options, cancellationToken).WithCancellation(cancellationToken))
        {
            foreach (var item in page.Items)
            {
                yield return Deserialize<T>(item, page, serializerOptions ?? JsonSerializerOptions.Web);
            }
        }
    }

    private static async IAsyncEnumerable<PaginatedPage> PagesCoreAsync(
        HttpClient http,
        Uri first,
        PaginationOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var maxPages = options.MaxPages ?? PaginationOptions.DefaultMaxPages;
        var start = first.OriginalString;
        if (options.LimitNameInRequest is { } limitName && options.Limit is { } limit)
        {
            start = QueryString.Set(start, limitName, Text(limit));
        }

        var offset = options.OffsetStartValue ?? 0;
        if (options.Type == PaginationType.Offset)
        {
            start = QueryString.Set(start, options.OffsetNameInRequest!, Text(offset));
        }

        var next = new Uri(start, UriKind.Absolute);
        string? lastCursor = null;
        string? lastLink = null;
        for (var number = 1; ; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (number > maxPages)
            {
                throw new PaginationException($"{first.AbsolutePath} still had a next page after {maxPages} pages (PaginationOptions.MaxPages); stopped rather than loop.");
            }

            var page = await FetchAsync(http, next, number, options.ResponsePath, cancellationToken);
            switch (options.Type)
            {
                case PaginationType.Cursor:
                    if (page.Items.Count == 0)
                    {
                        yield break;
                    }

                    yield return page;
                    if (NextCursor(page.Body, options.CursorPathInResponse!) is not { } cursor)
                    {
                        yield break;
                    }

                    if (cursor == lastCursor)
                    {
                        throw new PaginationException($"Page {number} of {first.AbsolutePath} returned the same cursor as the page before it; stopped rather than loop.");
                    }

                    lastCursor = cursor;
                    next = new Uri(QueryString.Set(start, options.CursorNameInRequest!, cursor), UriKind.Absolute);
                    break;

                case PaginationType.Link:
                    yield return page;
                    var link = options.LinkPathInResponseBody is { } linkPath
                        ? NextLinkInBody(page.Body, linkPath)
                        : LinkHeader.Find(page.Headers, options.LinkRelInResponseHeader ?? "next");
                    if (string.IsNullOrWhiteSpace(link) || link == lastLink)
                    {
                        yield break;
                    }

                    lastLink = link;
                    next = Follow(first, next, link, number);
                    break;

                default:
                    if (page.Items.Count == 0)
                    {
                        yield break;
                    }

                    yield return page;
                    if (options.Limit is { } pageSize && page.Items.Count < pageSize)
                    {
                        yield break;
                    }

                    offset += options.OffsetCalculationMethod == OffsetCalculation.PerPage ? 1 : page.Items.Count;
                    next = new Uri(QueryString.Set(start, options.OffsetNameInRequest!, Text(offset)), UriKind.Absolute);
                    break;
            }
        }
    }

    private static async Task<PaginatedPage> FetchAsync(HttpClient http, Uri url, int number, string? responsePath, CancellationToken cancellationToken)
    {
        // The path is kept now: a credentials handler may add query parameters to the request's URL in place.
        var path = url.AbsolutePath;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"Page {number} of {path} answered {(int)response.StatusCode} {response.ReasonPhrase}.",
                null,
                response.StatusCode);
        }

        JsonElement body;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new PaginationException($"Page {number} of {path} is not JSON: {exception.Message}", exception);
        }

        return new PaginatedPage(number, url, response.StatusCode, response.Headers, body, Items(body, responsePath, number, path));
    }

    private static List<JsonElement> Items(JsonElement body, string? responsePath, int number, string path)
    {
        JsonElement items;
        if (responsePath is null)
        {
            items = body;
        }
        else if (JsonPath.Find(body, responsePath) is { } found)
        {
            items = found;
        }
        else
        {
            throw new PaginationException($"Page {number} of {path} has no '{responsePath}' (ResponsePath) in its body.");
        }

        return items.ValueKind switch
        {
            JsonValueKind.Array => [.. items.EnumerateArray()],
            JsonValueKind.Null => [],
            var kind when responsePath is null => throw new PaginationException(
                $"Page {number} of {path} is a JSON {kind.ToString().ToLowerInvariant()}, not an array: set ResponsePath (response_path) to where its items are."),
            var kind => throw new PaginationException(
                $"Page {number} of {path} has a JSON {kind.ToString().ToLowerInvariant()} at '{responsePath}' (ResponsePath), not an array."),
        };
    }

    /// <summary>Nango's rule: a cursor is a non-blank string or a number; anything else ends the pagination.</summary>
    private static string? NextCursor(JsonElement body, string cursorPath) => JsonPath.Find(body, cursorPath) switch
    {
        { ValueKind: JsonValueKind.String } text when !string.IsNullOrWhiteSpace(text.GetString()) => text.GetString(),
        { ValueKind: JsonValueKind.Number } number => number.GetRawText(),
        _ => null,
    };

    private static string? NextLinkInBody(JsonElement body, string linkPath) =>
        JsonPath.Find(body, linkPath) is { ValueKind: JsonValueKind.String } link ? link.GetString() : null;

    /// <summary>The next page's absolute URL; one on another origin is refused, as the client would send it the connection's credentials.</summary>
    private static Uri Follow(Uri first, Uri current, string link, int number)
    {
        if (!Uri.TryCreate(current, link, out var target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            throw new PaginationException($"Page {number} of {first.AbsolutePath} has a next link that is not an HTTP URL.");
        }

        if (Uri.Compare(target, first, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new PaginationException($"Page {number} of {first.AbsolutePath} links its next page to another origin ({target.Host}); not followed, so the connection's credentials stay with the API.");
        }

        return target;
    }

    private static T Deserialize<T>(JsonElement item, PaginatedPage page, JsonSerializerOptions options)
    {
        try
        {
            return item.Deserialize<T>(options) ?? throw new PaginationException($"Page {page.Number} of {page.RequestUri.AbsolutePath} has a null item.");
        }
        catch (JsonException exception)
        {
            throw new PaginationException($"An item of page {page.Number} of {page.RequestUri.AbsolutePath} is not a {typeof(T).Name}: {exception.Message}", exception);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
