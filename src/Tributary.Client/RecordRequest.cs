namespace Tributary.Client;

/// <summary>What to read from <c>GET /records</c>: the connection, the model, and the optional filters.</summary>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
/// <param name="ConnectionId">The connection's id.</param>
/// <param name="Model">The model's name.</param>
public sealed record RecordRequest(string ProviderConfigKey, string ConnectionId, string Model)
{
    /// <summary>The sync variant (base when null).</summary>
    public string? Variant { get; init; }

    /// <summary>Only records modified at or after this time.</summary>
    public DateTimeOffset? ModifiedAfter { get; init; }

    /// <summary>Records per page, 1 to 10,000 (the server's 100 when null).</summary>
    public int? Limit { get; init; }

    /// <summary>Comma-separated <c>added</c>, <c>updated</c>, <c>deleted</c>.</summary>
    public string? Filter { get; init; }

    /// <summary>Where to start: a page's <c>next_cursor</c> or a record's <c>_nango_metadata.cursor</c> (null: the beginning).</summary>
    public string? Cursor { get; init; }

    /// <summary>Only these record ids (at most 100).</summary>
    public IReadOnlyList<string>? Ids { get; init; }

    internal string Path() => new Query("records")
        .Add("model", Model).Add("variant", Variant).Add("modified_after", ModifiedAfter).Add("limit", Limit)
        .Add("filter", Filter).Add("cursor", Cursor).AddEach("ids", Ids).ToString();
}
