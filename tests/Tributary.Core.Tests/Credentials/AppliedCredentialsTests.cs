using Tributary.Core.Credentials;

namespace Tributary.Core.Tests.Credentials;

/// <summary>What a connection's credentials add to a provider request: query parameters set as Nango sets them.</summary>
public sealed class AppliedCredentialsTests
{
    [Fact]
    public void QueryParameters_ReplaceTheCallersOfTheSameName_KeepTheOthers_AndApplyingTwiceAddsNothing()
    {
        var applied = new AppliedCredentials(
            new Dictionary<string, string> { ["X-Api-Key"] = "from-connection" },
            [new("api_key", "secret value"), new("region", "eu")]);
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/items?api_key=callers&page=2&q=a+b");
        request.Headers.TryAddWithoutValidation("X-Api-Key", "from-caller");

        var added = applied.ApplyTo(request);
        var once = request.RequestUri!.Query;
        applied.ApplyTo(request);

        Assert.Equal("?page=2&q=a+b&api_key=secret%20value&region=eu", once);
        Assert.Equal(once, request.RequestUri!.Query);
        Assert.Empty(added);
        Assert.Equal("from-caller", request.Headers.GetValues("X-Api-Key").Single());
    }
}
