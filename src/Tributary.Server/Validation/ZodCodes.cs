namespace Tributary.Server.Validation;

/// <summary>The zod issue codes Nango's clients may see; the strings are part of the wire format.</summary>
internal static class ZodCodes
{
    public const string InvalidType = "invalid_type";
    public const string InvalidValue = "invalid_value";
    public const string InvalidUnion = "invalid_union";
    public const string InvalidFormat = "invalid_format";
    public const string TooBig = "too_big";
    public const string TooSmall = "too_small";
    public const string UnrecognizedKeys = "unrecognized_keys";
    public const string Custom = "custom";
}
