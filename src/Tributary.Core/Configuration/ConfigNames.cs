using System.Text.RegularExpressions;

namespace Tributary.Core.Configuration;

/// <summary>
/// The naming rules Nango's API enforces on integration keys, sync names and models. The file must
/// not accept a name that a client could then never pass to the API.
/// </summary>
internal static partial class ConfigNames
{
    public const int MaxLength = 255;

    /// <summary>Returns why <paramref name="key"/> cannot be an integration's provider_config_key, or null.</summary>
    public static string? CheckIntegrationKey(string key) =>
        Check(key, IntegrationKeyRegex(), "integration key", "letters, digits, spaces and ~ : . @ _ -");

    /// <summary>Returns why <paramref name="name"/> cannot be a provider name (Nango's <c>providerNameSchema</c>), or null.</summary>
    public static string? CheckProviderName(string name) =>
        Check(name, SyncNameRegex(), "provider name", "letters, digits, _ and -");

    /// <summary>Returns why <paramref name="name"/> cannot be a sync name, or null.</summary>
    public static string? CheckSyncName(string name) =>
        Check(name, SyncNameRegex(), "sync name", "letters, digits, _ and -");

    /// <summary>Returns why <paramref name="name"/> cannot be a model name, or null.</summary>
    public static string? CheckModel(string name) =>
        Check(name, ModelRegex(), "model name", "an uppercase letter first, then at least one of letters, digits, _ and -");

    private static string? Check(string value, Regex rule, string what, string allowed)
    {
        if (value.Length > MaxLength)
        {
            return $"the {what} is longer than {MaxLength} characters";
        }

        return rule.IsMatch(value) ? null : $"'{value}' is not a valid {what} (use {allowed})";
    }

    // Nango's patterns end in $, which in JavaScript means the very end; \z is the .NET equivalent.
    [GeneratedRegex(@"^[a-zA-Z0-9~:.@ _-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex IntegrationKeyRegex();

    [GeneratedRegex(@"^[a-zA-Z0-9_-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex SyncNameRegex();

    [GeneratedRegex(@"^[A-Z][a-zA-Z0-9_-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex ModelRegex();
}
