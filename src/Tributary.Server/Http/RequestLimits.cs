namespace Tributary.Server.Http;

/// <summary>The size a request body may have, and the answer when it is larger.</summary>
/// <remarks>
/// One limit for every endpoint: the largest legitimate body (a trigger naming its syncs, a metadata object) is
/// far below it. Kestrel enforces the same number (<c>TributaryApp</c>), so a body nobody reads is bounded too.
/// Nango's body parser answers an oversized body with a 413; it is rendered here in Nango's error shape.
/// </remarks>
internal static class RequestLimits
{
    public const int MaxBodyBytes = 1024 * 1024;

    public const string PayloadTooLargeCode = "payload_too_large";

    public static ApiError PayloadTooLarge() => new(
        StatusCodes.Status413PayloadTooLarge,
        PayloadTooLargeCode,
        $"The request body is larger than the limit of {MaxBodyBytes} bytes (1 MiB).");
}
