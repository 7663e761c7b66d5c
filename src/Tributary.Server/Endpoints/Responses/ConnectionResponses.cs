using System.Text.Json.Nodes;
using Tributary.Contracts;
using Tributary.Core.Domain;
using Tributary.Core.Records;

namespace Tributary.Server.Endpoints.Responses;

/// <summary>Core's connections in Nango's two shapes: the full one (with credentials) and the list item.</summary>
internal static class ConnectionResponses
{
    public static ConnectionResponse Full(Connection connection, JsonObject credentials) => new(
        connection.Id,
        connection.ConnectionId,
        connection.ProviderConfigKey,
        connection.Provider,
        [],
        null,
        new RawJson(connection.MetadataJson),
        [],
        [],
        Micros.ToIsoString(connection.CreatedAt),
        Micros.ToIsoString(connection.UpdatedAt),
        null,
        credentials);

    public static ConnectionListResponse List(IReadOnlyList<Connection> connections, bool hasMore) => new(
        connections.Select(c => new ConnectionListItem(
            c.Id,
            c.ConnectionId,
            c.Provider,
            c.ProviderConfigKey,
            Micros.ToIsoString(c.CreatedAt),
            new RawJson(c.MetadataJson),
            [],
            [],
            null)).ToList(),
        hasMore ? RecordCursor.Encode(connections[^1].Id) : null);
}
