using System.Globalization;
using System.Text.Json.Nodes;

namespace GitHubSync;

/// <summary>
/// The sync's checkpoint: where the current pass is (<c>phase</c> issues or comments, the next <c>page</c>), the
/// <c>since</c> it asks for (none on a full pass) and the newest <c>updated_at</c> it has seen (<c>high_water</c>).
/// Saved after every page, so a run that fails or is cancelled resumes at the page it had reached.
/// </summary>
public sealed record SyncPosition(string? Since, string Phase, int Page, DateTimeOffset? HighWater)
{
    public const string IssuesPhase = "issues";
    public const string CommentsPhase = "comments";

    /// <summary>A full pass: no <c>since</c>, from the first page of issues.</summary>
    public static SyncPosition Full => new(null, IssuesPhase, 1, null);

    public bool IsFull => Since is null;

    public static SyncPosition From(JsonObject? checkpoint)
    {
        if (checkpoint is null)
        {
            return Full;
        }

        var since = (string?)checkpoint["since"];
        var highWater = (string?)checkpoint["high_water"] is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
        var phase = (string?)checkpoint["phase"] == CommentsPhase ? CommentsPhase : IssuesPhase;
        var page = checkpoint["page"] is JsonValue value && value.TryGetValue<int>(out var number) && number > 0 ? number : 1;
        return new SyncPosition(since, phase, page, highWater);
    }

    /// <summary>The next pass after this one finished: incremental from the newest change seen (or as this one began).</summary>
    public SyncPosition Next() => new(HighWater is { } seen ? Iso(seen) : Since, IssuesPhase, 1, null);

    /// <summary>Raises the high-water mark to the newest of <paramref name="updatedAt"/>.</summary>
    public SyncPosition Seen(IEnumerable<string> updatedAt)
    {
        var newest = HighWater;
        foreach (var text in updatedAt)
        {
            var at = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
            newest = newest is { } current && current >= at ? current : at;
        }

        return this with { HighWater = newest };
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["phase"] = Phase, ["page"] = Page };
        if (Since is not null)
        {
            json["since"] = Since;
        }

        if (HighWater is { } highWater)
        {
            json["high_water"] = Iso(highWater);
        }

        return json;
    }

    private static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
