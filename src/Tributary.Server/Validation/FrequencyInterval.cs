namespace Tributary.Server.Validation;

/// <summary>
/// A frequency that passed the semantic check: the interval to schedule with and the normalised text Nango
/// answers with (<c>"every hour"</c> → <c>"1h"</c>).
/// </summary>
internal sealed record FrequencyInterval(TimeSpan Interval, string Normalized);
