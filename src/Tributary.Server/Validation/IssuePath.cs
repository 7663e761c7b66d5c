namespace Tributary.Server.Validation;

internal static class IssuePath
{
    public static IReadOnlyList<string> Root { get; } = [];

    public static IReadOnlyList<string> Of(IReadOnlyList<string> parent, string key) => [.. parent, key];
}
