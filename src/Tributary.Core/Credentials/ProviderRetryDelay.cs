using System.Globalization;
using System.Net;
using Tributary.Core.Providers;

namespace Tributary.Core.Credentials;

/// <summary>
/// Whether a provider's answer is worth another attempt and how long it asked us to wait (reference §C.5): 429 and
/// 5xx; a 403 that is a rate limit (GitHub's <c>X-RateLimit-Remaining: 0</c>, or a secondary limit with
/// <c>Retry-After</c>); the template's <c>error_code</c> list when it has one, and its <c>remaining</c> header at 0.
/// </summary>
public static class ProviderRetryDelay
{
    public static bool IsRetryable(HttpResponseMessage response, ProviderRetry? hints)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        if (hints is { Remaining: { } remaining } && Header(response, remaining) == "0")
        {
            return true;
        }

        if (hints is { ErrorCodes.Count: > 0 })
        {
            return hints.ErrorCodes.Any(code => Matches(code, status));
        }

        return status == 429
            || status >= 500
            || (response.StatusCode == HttpStatusCode.Forbidden
                && (Header(response, "x-ratelimit-remaining") == "0" || response.Headers.RetryAfter is not null));
    }

    /// <summary>
    /// The wait the answer asks for: <c>Retry-After</c> (seconds or an HTTP date), the template's <c>at</c> headers (a
    /// reset time: epoch seconds, epoch milliseconds, or a date) and <c>after</c> headers (seconds); the longest wins.
    /// GitHub's <c>X-RateLimit-Reset</c> counts when <c>X-RateLimit-Remaining</c> is 0. Null when the answer says nothing.
    /// </summary>
    public static TimeSpan? Requested(HttpResponseMessage response, ProviderRetry? hints, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        TimeSpan? longest = null;
        void Consider(TimeSpan? wait)
        {
            if (wait is { } w && w >= TimeSpan.Zero && (longest is null || w > longest))
            {
                longest = w;
            }
        }

        if (response.Headers.RetryAfter is { } retryAfter)
        {
            Consider(retryAfter.Delta ?? (retryAfter.Date is { } date ? Ceiling(date - now) : null));
        }

        foreach (var name in hints?.After ?? [])
        {
            Consider(Seconds(Header(response, name)));
        }

        var atNames = hints?.At ?? [];
        if (Header(response, "x-ratelimit-remaining") == "0")
        {
            atNames = [.. atNames, "x-ratelimit-reset"];
        }

        foreach (var name in atNames)
        {
            Consider(At(Header(response, name), now));
        }

        return longest;
    }

    private static TimeSpan? Seconds(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and < 1e7
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private static TimeSpan? At(string? value, DateTimeOffset now)
    {
        if (value is null)
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            // Nango's rule: a number that reads as milliseconds after 1971 is milliseconds, else seconds.
            var at = epoch > 31_536_000_000L ? DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(epoch, 253_402_300_799_000L))
                : DateTimeOffset.FromUnixTimeSeconds(epoch);
            return at > now ? Ceiling(at - now) : null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) && date > now
            ? Ceiling(date - now)
            : null;
    }

    private static TimeSpan Ceiling(TimeSpan wait) => TimeSpan.FromSeconds(Math.Ceiling(Math.Max(0, wait.TotalSeconds)));

    private static bool Matches(string code, int status)
    {
        var text = code.Trim();
        if (text.Length == 3 && text.EndsWith("xx", StringComparison.OrdinalIgnoreCase) && char.IsDigit(text[0]))
        {
            return status / 100 == text[0] - '0';
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0
            && int.TryParse(text[..dash], CultureInfo.InvariantCulture, out var low)
            && int.TryParse(text[(dash + 1)..], CultureInfo.InvariantCulture, out var high))
        {
            return status >= low && status <= high;
        }

        return int.TryParse(text, CultureInfo.InvariantCulture, out var single) && single == status;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()?.Trim()
            : null;
}
