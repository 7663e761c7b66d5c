using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Tributary.FakeProviders;

/// <summary>
/// HubSpot's per-interval headers (<c>X-HubSpot-RateLimit-*</c>, 190 requests per 10 s). Informational only: the
/// fake never refuses on its own — inject <see cref="Fault.TooManyRequests"/> to script a 429.
/// </summary>
internal sealed class HubSpotRateLimit(TimeProvider timeProvider)
{
    private const int Max = 190;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly Lock _lock = new();
    private DateTimeOffset _windowEnd;
    private int _used;

    public void Count(HttpResponse response)
    {
        int remaining;
        lock (_lock)
        {
            var now = timeProvider.GetUtcNow();
            if (now >= _windowEnd)
            {
                _windowEnd = now + Interval;
                _used = 0;
            }

            _used++;
            remaining = Math.Max(0, Max - _used);
        }

        response.Headers["X-HubSpot-RateLimit-Max"] = Max.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-HubSpot-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = ((int)Interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
    }
}
