namespace Tributary.Server.Validation;

/// <summary>The required <c>Connection-Id</c> and <c>Provider-Config-Key</c> headers of the records endpoints.</summary>
internal static class ConnectionHeadersParser
{
    /// <param name="providerConfigKeyFirst">
    /// The order of the issues, which is the order of the schema's keys: the records endpoints list <c>connection-id</c>
    /// first, the proxy <c>provider-config-key</c>.
    /// </param>
    /// <returns>Both values, or <c>null</c> when an issue was added.</returns>
    public static (string ConnectionId, string ProviderConfigKey)? Read(NangoHeaders headers, IssueList issues, bool providerConfigKeyFirst = false)
    {
        ArgumentNullException.ThrowIfNull(issues);
        string? connectionId = null, providerConfigKey = null;
        if (providerConfigKeyFirst)
        {
            providerConfigKey = ReadHeader(headers.ProviderConfigKey, "provider-config-key", StringRule.ProviderConfigKey, issues);
        }

        connectionId = ReadHeader(headers.ConnectionId, "connection-id", StringRule.ConnectionId, issues);
        if (!providerConfigKeyFirst)
        {
            providerConfigKey = ReadHeader(headers.ProviderConfigKey, "provider-config-key", StringRule.ProviderConfigKey, issues);
        }

        return connectionId is not null && providerConfigKey is not null ? (connectionId, providerConfigKey) : null;
    }

    // Nango's issue paths use the lower-case header names it passes to zod.
    private static string? ReadHeader(string? value, string name, StringRule rule, IssueList issues)
    {
        if (value is null)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", JsonTypeName.Undefined), [name]);
            return null;
        }

        return rule.Check(value, [name], issues) ? value : null;
    }
}
