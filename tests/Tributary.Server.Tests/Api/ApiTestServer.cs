using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Client;
using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Server.Hosting;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>Helpers the API tests share: server options, extra keys, and raw requests whose headers a test reads.</summary>
internal static class ApiTestServer
{
    /// <summary>Starts a test server (workers off unless asked) after changing its <see cref="TributaryServerOptions"/>.</summary>
    public static Task<TestServer> StartAsync(
        TestDialect dialect,
        CancellationToken cancellationToken,
        Action<TributaryServerOptions>? configure = null,
        string? config = null,
        bool workers = false,
        TimeProvider? time = null) =>
        TestServer.StartAsync(
            dialect,
            cancellationToken,
            config,
            engine: e => e.RunWorkers = workers,
            services: services =>
            {
                // The options instance the app reads after this callback: changing it here configures the server.
                var options = (TributaryServerOptions)services.Single(d => d.ServiceType == typeof(TributaryServerOptions)).ImplementationInstance!;
                configure?.Invoke(options);
                if (time is not null)
                {
                    // Registered after the app's TimeProvider.System, so it is the one resolved.
                    services.AddSingleton(time);
                }
            });

    /// <summary>Creates a key of the dev environment with the given scopes and returns a client using it.</summary>
    public static async Task<TributaryClient> ClientWithScopesAsync(TestServer server, CancellationToken cancellationToken, params string[] scopes)
    {
        var control = server.Services.GetRequiredService<IApiKeyStore>();
        var environment = await control.EnsureEnvironmentAsync("dev", cancellationToken);
        var secret = ApiKeys.NewSecret();
        await control.CreateApiKeyAsync(environment.Id, ApiKeys.Hash(secret), "test", scopes, cancellationToken);
        return new TributaryClient(server.BaseUrl, secret);
    }

    /// <summary>Sends a request with the server's key and returns the whole response (status, headers, body).</summary>
    public static async Task<RawResponse> SendRawAsync(
        TestServer server,
        HttpMethod method,
        string path,
        string? json,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? headers = null,
        string? secretKey = null)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {secretKey ?? server.SecretKey}");
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var all = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new RawResponse((int)response.StatusCode, all, body);
    }
}

internal static class ApiErrorExtensions
{
    /// <summary>The <c>error.message</c> of the answer (the exception's own message also names status and code).</summary>
    public static string? ErrorMessage(this TributaryApiException exception) =>
        (string?)System.Text.Json.Nodes.JsonNode.Parse(exception.Body)?["error"]?["message"];
}

internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public System.Text.Json.Nodes.JsonNode Json => System.Text.Json.Nodes.JsonNode.Parse(Body)!;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
