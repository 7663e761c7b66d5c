using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tributary.Sdk;

namespace Tributary.Example;

/// <summary>
/// Syncs every contact of an offset-paginated REST API that takes an API key: <c>GET contacts?offset=N&amp;limit=M</c>
/// answers <c>{"contacts": [...], "total": T}</c>. A full sync: each pass reads everything, and contacts the API no
/// longer lists are deleted when the pass ends.
/// </summary>
[SyncFunction("contacts", Models = [Contact.Model])]
public sealed class ContactsSync : ISyncFunction
{
    /// <summary>Contacts asked for per request.</summary>
    public const int PageSize = 100;

    // Bounds the loop even if the API's `total` keeps moving away.
    private const int MaxPages = 100_000;

    /// <inheritdoc />
    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        // A run that was interrupted resumes at the page after the last one it saved.
        var checkpoint = await context.GetCheckpointAsync(cancellationToken);
        var offset = checkpoint?["offset"] is { } saved ? saved.GetValue<int>() : 0;

        // Every contact saved from here to TrackDeletesEndAsync is "seen"; the window survives interrupted runs.
        await context.TrackDeletesStartAsync(Contact.Model, cancellationToken);
        for (var page = 0; page < MaxPages; page++)
        {
            var url = string.Create(CultureInfo.InvariantCulture, $"contacts?offset={offset}&limit={PageSize}");
            var answer = await context.Http.GetFromJsonAsync<ContactsPage>(url, cancellationToken)
                ?? throw new InvalidOperationException($"GET {url} answered an empty body.");
            if (answer.Contacts.Count > 0)
            {
                await context.BatchSaveAsync(answer.Contacts, Contact.Model, cancellationToken);
            }

            offset += answer.Contacts.Count;
            if (answer.Contacts.Count == 0 || offset >= answer.Total)
            {
                break;
            }

            await context.SaveCheckpointAsync(new JsonObject { ["offset"] = offset }, cancellationToken);
        }

        var deleted = await context.TrackDeletesEndAsync(Contact.Model, cancellationToken);
        await context.ClearCheckpointAsync(cancellationToken);
        context.Logger.LogInformation("Synced {Count} contacts; {Deleted} deleted.", offset, deleted.Count);
    }
}
