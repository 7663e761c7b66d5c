using Tributary.Core.Errors;

namespace Tributary.Core.Tests.Services;

public sealed class NangoErrorsTests
{
    /// <summary>
    /// The expected text is Node's <c>JSON.stringify({connectionId, providerConfigKey}, null, 2)</c> of the same values:
    /// JavaScript leaves <c>+</c>, <c>'</c>, <c>&lt;&gt;&amp;</c>, non-ASCII text and U+2028 as they are and escapes the quote.
    /// </summary>
    [Fact]
    public void UnknownConnection_EndsWithTheParamsAsJavaScriptPrettyPrintsThem()
    {
        var error = NangoErrors.UnknownConnection("user+tag@x.com é <a>&'", "demo\"q\u2028");

        Assert.Equal(
            "No connection matching the provided params of 'connection_id' and 'provider_config_key'. Please make sure these values exist in the Nango dashboard "
                + "{\n  \"connectionId\": \"user+tag@x.com é <a>&'\",\n  \"providerConfigKey\": \"demo\\\"q\u2028\"\n}",
            error.Message);
        Assert.Equal(("unknown_connection", "user+tag@x.com é <a>&'"), (error.Code, (string?)error.Payload!["connectionId"]));
    }
}
