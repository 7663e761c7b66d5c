using System.Globalization;
using System.Text.Json.Nodes;
using Tributary.FakeProviders;
using Tributary.Testing;

namespace Tributary.Server.Tests.Providers;

/// <summary>
/// What every provider test sets up the same way: the fake OAuth server's client as an integration's OAuth app (its
/// secret through the environment, as tributary.yaml requires), and a connection imported with the fake's tokens.
/// </summary>
internal static class FakeOAuthApp
{
    /// <summary>The variable tributary.yaml's <c>client_secret_env</c> names in these tests.</summary>
    public const string SecretVariable = "TRIBUTARY_TEST_FAKE_CLIENT_SECRET";

    /// <summary>Puts the fake client's secret where <c>client_secret_env: <see cref="SecretVariable"/></c> reads it.</summary>
    public static void ExposeSecret() => Environment.SetEnvironmentVariable(SecretVariable, FakeOAuthServer.DefaultClient.ClientSecret);

    /// <summary><c>POST /connections</c> with OAUTH2 credentials: the fake's access and refresh token, expiring at <paramref name="expiresAt"/>.</summary>
    public static Task<JsonNode?> ImportAsync(
        TestServer server, string integration, string connectionId, FakeTokenSet tokens, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        server.Client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = integration,
                ["connection_id"] = connectionId,
                ["credentials"] = new JsonObject
                {
                    ["type"] = "OAUTH2",
                    ["access_token"] = tokens.AccessToken,
                    ["refresh_token"] = tokens.RefreshToken,
                    ["expires_at"] = expiresAt.ToString("O", CultureInfo.InvariantCulture),
                },
            },
            cancellationToken);
}
