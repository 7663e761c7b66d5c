using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>Nango's answer to a write that returns nothing else: <c>{"success":true}</c>.</summary>
/// <param name="Success">Always true (failures are error bodies).</param>
public sealed record SuccessResponse(
    [property: JsonPropertyName("success"), JsonRequired] bool Success)
{
    /// <summary>The one value this answer takes.</summary>
    public static readonly SuccessResponse True = new(true);
}
