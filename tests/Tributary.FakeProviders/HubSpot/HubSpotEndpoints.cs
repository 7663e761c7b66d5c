using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tributary.FakeProviders;

/// <summary>The HubSpot-like routes. Each checks the token and sets the rate-limit headers, then serves.</summary>
internal static class HubSpotEndpoints
{
    private const int MaxListLimit = 100;

    public static async Task ListContactsAsync(HttpContext context, FakeHubSpot hubSpot)
    {
        if (await RefuseAsync(context, hubSpot))
        {
            return;
        }

        var limit = ReadInt(context.Request.Query["limit"], 10, 1, MaxListLimit);
        long after = 0;
        if (context.Request.Query["after"].ToString() is { Length: > 0 } cursor && !long.TryParse(cursor, CultureInfo.InvariantCulture, out after))
        {
            await WriteValidationErrorAsync(context, "Invalid input JSON: the 'after' cursor is not valid.");
            return;
        }

        var archived = string.Equals(context.Request.Query["archived"], "true", StringComparison.OrdinalIgnoreCase);
        var items = hubSpot.Contacts.Snapshot().Items;
        var page = new List<FakeContact>(limit);
        string? next = null;
        for (var i = FirstAtOrAfter(items, after); i < items.Length; i++)
        {
            if (items[i].Archived != archived)
            {
                continue;
            }

            if (page.Count == limit)
            {
                next = items[i].Id.ToString(CultureInfo.InvariantCulture);
                break;
            }

            page.Add(items[i]);
        }

        await JsonResponse.WriteObjectAsync(context, 200, writer =>
        {
            writer.WriteStartArray("results");
            foreach (var contact in page)
            {
                HubSpotJson.WriteContact(writer, contact);
            }

            writer.WriteEndArray();
            WritePaging(writer, hubSpot, next, limit);
        });
    }

    public static async Task SearchContactsAsync(HttpContext context, FakeHubSpot hubSpot)
    {
        if (await RefuseAsync(context, hubSpot))
        {
            return;
        }

        ContactSearch search;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            search = ContactSearch.Parse(body.RootElement);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            await WriteValidationErrorAsync(context, $"Invalid search request: {e.Message}");
            return;
        }

        if (search.After + search.Limit > hubSpot.SearchResultLimit)
        {
            await WriteValidationErrorAsync(context, $"Search results are limited to {hubSpot.SearchResultLimit} records.");
            return;
        }

        var matches = search.Apply(hubSpot.Contacts.Snapshot().Items);
        var page = matches.Skip(search.After).Take(search.Limit).ToList();
        var next = search.After + page.Count < matches.Count ? (search.After + page.Count).ToString(CultureInfo.InvariantCulture) : null;
        await JsonResponse.WriteObjectAsync(context, 200, writer =>
        {
            writer.WriteNumber("total", matches.Count);
            writer.WriteStartArray("results");
            foreach (var contact in page)
            {
                HubSpotJson.WriteContact(writer, contact);
            }

            writer.WriteEndArray();
            if (next is not null)
            {
                writer.WriteStartObject("paging");
                writer.WriteStartObject("next");
                writer.WriteString("after", next);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
        });
    }

    public static async Task ListOffsetItemsAsync(HttpContext context, FakeHubSpot hubSpot)
    {
        if (await RefuseAsync(context, hubSpot))
        {
            return;
        }

        var offset = ReadInt(context.Request.Query["offset"], 0, 0, int.MaxValue);
        var limit = ReadInt(context.Request.Query["limit"], 100, 1, 1000);
        var items = hubSpot.Contacts.Snapshot().Items.Where(c => !c.Archived).ToList();
        await JsonResponse.WriteObjectAsync(context, 200, writer =>
        {
            writer.WriteStartArray("items");
            for (var i = offset; i < items.Count && i < (long)offset + limit; i++)
            {
                HubSpotJson.WriteItem(writer, items[i]);
            }

            writer.WriteEndArray();
            writer.WriteNumber("total", items.Count);
            writer.WriteNumber("offset", offset);
            writer.WriteNumber("limit", limit);
        });
    }

    private static async Task<bool> RefuseAsync(HttpContext context, FakeHubSpot hubSpot)
    {
        var check = hubSpot.Authenticate(context.Request, out var expiredFor);
        if (check != TokenCheck.Valid)
        {
            var (message, category) = check == TokenCheck.Expired
                ? ($"The OAuth token used to make this call expired {(long)expiredFor.TotalSeconds} second(s) ago.", "EXPIRED_AUTHENTICATION")
                : ("Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview", "INVALID_AUTHENTICATION");
            await JsonResponse.WriteObjectAsync(context, 401, writer => HubSpotJson.WriteErrorProperties(writer, message, category));
            return true;
        }

        hubSpot.RateLimit.Count(context.Response);
        return false;
    }

    private static void WritePaging(Utf8JsonWriter writer, FakeHubSpot hubSpot, string? next, int limit)
    {
        if (next is null)
        {
            return;
        }

        writer.WriteStartObject("paging");
        writer.WriteStartObject("next");
        writer.WriteString("after", next);
        writer.WriteString("link", hubSpot.Url($"/crm/v3/objects/contacts?limit={limit}&after={next}").ToString());
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static int FirstAtOrAfter(FakeContact[] items, long id)
    {
        int low = 0, high = items.Length;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (items[mid].Id < id)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private static int ReadInt(string? value, int fallback, int min, int max) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, min, max) : fallback;

    private static Task WriteValidationErrorAsync(HttpContext context, string message) =>
        JsonResponse.WriteObjectAsync(context, 400, writer => HubSpotJson.WriteErrorProperties(writer, message, "VALIDATION_ERROR"));
}
