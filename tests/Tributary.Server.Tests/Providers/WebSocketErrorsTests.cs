using Tributary.Server.Connect;

namespace Tributary.Server.Tests.Providers;

/// <summary>The connect WebSocket's error messages as Nango's <c>WSErrBuilder</c> writes them (<c>@nangohq/frontend</c>'s <c>AuthError</c>).</summary>
public sealed class WebSocketErrorsTests
{
    [Fact]
    public void ACallbackWithoutACode_QuotesTheProvidersErrorParameters_AsNango()
    {
        var withErrors = WebSocketErrors.ProviderSentNoCode("gh", "c1", new Dictionary<string, string>
        {
            ["state"] = "s",
            ["error"] = " access_denied ",
            ["error_description"] = "  ",
            ["error_reason"] = "user_denied",
            ["error_message"] = "No.",
        });
        var bare = WebSocketErrors.ProviderSentNoCode("gh", "c1", new Dictionary<string, string> { ["state"] = "s" });

        Assert.Equal(
            """{"message_type":"error","provider_config_key":"gh","connection_id":"c1","error_type":"callback_err","error_desc":"Did not get authorization code in the callback. Provider error: error: access_denied; error_reason: user_denied; error_message: No."}""",
            withErrors.ToJsonString());
        Assert.Equal("Did not get authorization code in the callback.", (string?)bare["error_desc"]);
    }

    [Fact]
    public void OurFailures_CarryNangosTypesAndItsFixedTexts()
    {
        var exchange = WebSocketErrors.From("gh", "c1", "token_exchange_failed", "The provider answered HTTP 401: bad client secret.");
        var unknown = WebSocketErrors.From("gh", null, "unknown_provider_config", "ours");
        var noClient = WebSocketErrors.From("gh", null, "missing_client_id", "ours");
        var ours = WebSocketErrors.From("gh", null, "integration_not_allowed", "Not allowed.");

        Assert.Equal(("unknown_err", "Unknown error during the Oauth flow."), ((string?)exchange["error_type"], (string?)exchange["error_desc"]));
        Assert.Equal(("provider_config_err", "Could not find a Provider Config matching the \"gh\" key."), ((string?)unknown["error_type"], (string?)unknown["error_desc"]));
        Assert.Equal("Provider Config \"gh\" is missing client ID, secret and/or scopes.", (string?)noClient["error_desc"]);
        Assert.Equal(("integration_not_allowed", "Not allowed."), ((string?)ours["error_type"], (string?)ours["error_desc"]));
    }
}
