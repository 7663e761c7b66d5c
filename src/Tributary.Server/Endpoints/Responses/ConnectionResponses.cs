using System.Text.Json.Nodes;
using Tributary.Core.Connect;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Records;

namespace Tributary.Server.Endpoints.Responses;

/// <summary>Core's connections in Nango's two shapes: the full one (with credentials) and the list item.</summary>
internal static class ConnectionResponses
{
    /// <param name="fetchedAt">
    /// When the credentials were read for this answer (Nango's <c>last_fetched_at</c>, which its read stamps and then
    /// answers); null for an answer that read none.
    /// </param>
    public static ConnectionResponse Full(Connection connection, JsonObject? credentials, JsonObject connectionConfig, RefreshStatus refresh, long? fetchedAt = null) => new(
        connection.Id,
        connection.ConnectionId,
        connection.ProviderConfigKey,
        connection.Provider,
        Errors(refresh),
        EndUser(connection),
        new RawJson(connection.MetadataJson),
        Tags(connection),
        connectionConfig,
        connection.WebhookUrlOverride,
        Micros.ToIsoString(connection.CreatedAt),
        Micros.ToIsoString(connection.UpdatedAt),
        fetchedAt is { } at ? Micros.ToIsoString(at) : null,
        credentials);

    /// <summary>
    /// Nango's <c>errors</c>: one <c>{type: "auth", log_id}</c> entry while the last refresh failed. Ours adds what the
    /// provider answered, when, and how many failures in a row (Nango keeps those in its logs, which Tributary has not).
    /// </summary>
    private static List<JsonNode> Errors(RefreshStatus refresh) =>
        refresh.Error is null
            ? []
            : [new JsonObject
            {
                ["type"] = "auth",
                ["log_id"] = null,
                ["message"] = refresh.Error,
                ["last_failure_at"] = refresh.LastFailure is { } at ? Micros.ToIsoString(at) : null,
                ["attempts"] = refresh.Attempts,
            }];

    /// <summary>The end user of a connection made through a connect session (Nango's <c>ApiEndUser</c>); null for any other.</summary>
    private static JsonNode? EndUser(Connection connection) => connection.EndUserJson is { } json ? JsonNode.Parse(json) : null;

    /// <summary>The connection's tags; <c>{}</c> when it has none.</summary>
    private static JsonObject Tags(Connection connection) => ConnectionProfile.ParseTags(connection.TagsJson) ?? [];

    public static ConnectionListResponse List(IReadOnlyList<Connection> connections, bool hasMore) => new(
        connections.Select(c => new ConnectionListItem(
            c.Id,
            c.ConnectionId,
            c.Provider,
            c.ProviderConfigKey,
            Micros.ToIsoString(c.CreatedAt),
            new RawJson(c.MetadataJson),
            Tags(c),
            Errors(new RefreshStatus(null, c.LastRefreshFailure, c.RefreshAttempts, c.RefreshError)),
            EndUser(c))).ToList(),
        hasMore ? Core.Records.RecordCursor.Encode(connections[^1].Id) : null);
}
