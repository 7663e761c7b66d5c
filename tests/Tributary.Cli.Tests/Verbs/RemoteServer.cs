using System.Text.Json.Nodes;
using Tributary.Client;

namespace Tributary.Cli.Tests.Verbs;

/// <summary>One in-process <c>tributary serve</c> with a connection, shared by the remote verbs' tests.</summary>
public sealed class RemoteServer : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private ServeInProcess? _server;

    internal ServeInProcess Server => _server ?? throw new InvalidOperationException("Not started.");

    public string Url => Server.BaseUrl.ToString();

    public string SecretKey => Server.SecretKey;

    public async ValueTask InitializeAsync()
    {
        var token = TestContext.Current.CancellationToken;
        _server = await ServeInProcess.StartAsync(_folder.DataDir, _folder.ConfigPath, token);
        using var client = _server.Client();
        await client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = "demo",
                ["connection_id"] = "acme",
                ["credentials"] = new JsonObject { ["type"] = "NONE" },
                ["metadata"] = new JsonObject { ["records"] = 12 },
            },
            token);
    }

    public TributaryClient Client() => Server.Client();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _folder.Dispose();
    }
}
