namespace Tributary.Core.Providers;

/// <summary>How a provider authenticates: Nango's <c>auth_mode</c> values that Tributary supports.</summary>
public enum AuthMode
{
    None,
    OAuth2,
    OAuth2ClientCredentials,
    ApiKey,
    Basic,
}

/// <summary>The one mapping between <see cref="AuthMode"/> and Nango's spelling (also a credentials <c>type</c>).</summary>
public static class AuthModes
{
    public static IReadOnlyList<string> Names { get; } = ["OAUTH2", "OAUTH2_CC", "API_KEY", "BASIC", "NONE"];

    public static bool TryParse(string text, out AuthMode mode)
    {
        mode = text switch
        {
            "OAUTH2" => AuthMode.OAuth2,
            "OAUTH2_CC" => AuthMode.OAuth2ClientCredentials,
            "API_KEY" => AuthMode.ApiKey,
            "BASIC" => AuthMode.Basic,
            "NONE" => AuthMode.None,
            _ => (AuthMode)(-1),
        };
        return Enum.IsDefined(mode);
    }

    public static string ToName(AuthMode mode) => mode switch
    {
        AuthMode.OAuth2 => "OAUTH2",
        AuthMode.OAuth2ClientCredentials => "OAUTH2_CC",
        AuthMode.ApiKey => "API_KEY",
        AuthMode.Basic => "BASIC",
        _ => "NONE",
    };
}
