using System.Globalization;

namespace Tributary.Cli;

/// <summary>
/// TEST ONLY: <c>TRIBUTARY_TEST_CLOCK_OFFSET_SECONDS</c> shifts this process's clock by that many seconds (signed),
/// to run a worker whose host clock is ahead or behind in the clock-skew fault test (docs/testing.md). Not an
/// option, not in <c>--help</c>: a server never needs it, and a wrong clock in production would only make the
/// scheduler fire early or late.
/// </summary>
internal static class TestClockOffset
{
    public const string Variable = "TRIBUTARY_TEST_CLOCK_OFFSET_SECONDS";

    public static Action<IServiceCollection>? Apply(Action<IServiceCollection>? configureServices)
    {
        var text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(text))
        {
            return configureServices;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds))
        {
            throw new InvalidOperationException($"{Variable} must be a number of seconds; got '{text}'.");
        }

        var offset = TimeSpan.FromSeconds(seconds);
        return services =>
        {
            configureServices?.Invoke(services);

            // Registered last, so it is the TimeProvider every service resolves.
            services.AddSingleton<TimeProvider>(new OffsetTimeProvider(offset));
        };
    }

    private sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
