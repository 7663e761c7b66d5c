using System.Text.Json.Nodes;
using Tributary.Core.Errors;

namespace Tributary.Server.Hosting;

/// <summary>
/// On a start with no <c>tributary.yaml</c> (the built-in demo configuration), imports <c>demo-connection</c> of the
/// <c>demo</c> integration when the environment has no connection at all, so a first start has data to look at:
/// its auto-starting <c>contacts</c> sync runs at once, and <c>tributary records demo demo-connection Contact</c>
/// answers records seconds later without any other command.
/// </summary>
internal sealed class DemoConnectionSeeder
{
    public const string ConnectionId = "demo-connection";
    public const string Integration = "demo";

    private readonly ConnectionService _connections;
    private readonly ILogger<DemoConnectionSeeder> _logger;

    public DemoConnectionSeeder(ConnectionService connections, ILogger<DemoConnectionSeeder> logger)
    {
        _connections = connections;
        _logger = logger;
    }

    public async Task SeedAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        // Only an empty environment: a user who deleted the demo connection and made their own keeps their choice.
        var existing = await _connections.ListPageAsync(tenant, new Core.Ports.ConnectionListFilter(null, null, null, 1), cancellationToken);
        if (existing.Connections.Count > 0)
        {
            return;
        }

        try
        {
            var metadata = new JsonObject { ["records"] = 1000, ["change_rate"] = 0.1 };
            await _connections.CreateAsync(tenant, new NewConnectionRequest(Integration, ConnectionId, new JsonObject { ["type"] = "NONE" }, metadata.ToJsonString()), cancellationToken);
            _logger.LogInformation("No tributary.yaml and no connection yet: imported '{Connection}' of the '{Integration}' integration; its sync starts now.", ConnectionId, Integration);
        }
        catch (ConflictException)
        {
            // Another process starting on the same database imported it first.
        }
    }
}
