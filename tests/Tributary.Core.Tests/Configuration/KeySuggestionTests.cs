using Tributary.Core.Configuration;

namespace Tributary.Core.Tests.Configuration;

public class KeySuggestionTests
{
    private static readonly string[] Keys = ["function", "models", "frequency", "auto_start", "sync_type", "track_deletes"];

    [Theory]
    [InlineData("frequncy", "frequency")]
    [InlineData("model", "models")]
    [InlineData("autostart", "auto_start")]
    [InlineData("SYNC_TYPE", "sync_type")]
    [InlineData("fucntion", "function")]
    public void Closest_NearMiss_ReturnsKnownKey(string key, string expected)
    {
        Assert.Equal(expected, KeySuggestion.Closest(key, Keys));
    }

    [Theory]
    [InlineData("schedule")]
    [InlineData("x")]
    [InlineData("trackdel")]
    public void Closest_NothingNear_ReturnsNull(string key)
    {
        Assert.Null(KeySuggestion.Closest(key, Keys));
    }
}
