namespace Tributary.Server.Validation;

/// <summary>
/// The bounds that keep a small hostile request from costing a large answer: how many issues an error lists, how
/// much of a received value it echoes, and how long the lists of one request may be.
/// </summary>
internal static class InputLimits
{
    /// <summary>An error answer lists at most this many issues (zod would list one per bad item).</summary>
    public const int MaxIssues = 20;

    /// <summary>A received value quoted in a message is cut to this many characters.</summary>
    public const int MaxEchoedChars = 64;

    /// <summary>Any message of an error answer is cut to this many characters.</summary>
    public const int MaxMessageChars = 1024;

    /// <summary>The <c>syncs</c> of one trigger (Nango has no cap; pause and start keep Nango's 256).</summary>
    public const int MaxTriggerSyncs = 1000;

    /// <summary>The <c>connection_id</c> array of one metadata call (one set-based read and write whatever its length).</summary>
    public const int MaxMetadataConnectionIds = 1000;

    /// <summary>Cuts <paramref name="value"/> to <paramref name="maxChars"/>, marking the cut; never splits a surrogate pair.</summary>
    public static string Bounded(string value, int maxChars = MaxEchoedChars)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= maxChars)
        {
            return value;
        }

        var cut = char.IsHighSurrogate(value[maxChars - 1]) ? maxChars - 1 : maxChars;
        return string.Concat(value.AsSpan(0, cut), $"… ({value.Length} characters)");
    }
}
