using Tributary.Core.Credentials;

namespace Tributary.Server.Validation;

/// <summary>What <c>POST /oauth2/auth/{key}</c> was sent: the end user's own OAuth client, or none (the integration's is used).</summary>
internal sealed record ClientCredentialsBody(OAuthClientCredentials? Client);

/// <summary>
/// The body of <c>POST /oauth2/auth/{key}</c> as <c>@nangohq/frontend</c> sends it: strict <c>{client_id, client_secret}</c>
/// (strings of 1–1024 characters, both or neither: one without the other, or an empty one, is Nango's
/// <c>missing_client_id</c> / <c>missing_client_secret</c>); an empty body or <c>{}</c> means "use the integration's client".
/// <c>client_certificate</c>/<c>client_private_key</c> (mutual TLS) are not supported and refused as unknown keys.
/// </summary>
internal static class ClientCredentialsBodyParser
{
    private static readonly string[] Fields = ["client_id", "client_secret"];

    public static ParseResult<ClientCredentialsBody> Parse(JsonElement? body)
    {
        if (body is null)
        {
            return ParseResult<ClientCredentialsBody>.Valid(new ClientCredentialsBody(null));
        }

        if (body is not { ValueKind: JsonValueKind.Object } element)
        {
            return ParseResult<ClientCredentialsBody>.Invalid(
                ApiErrors.InvalidBody([new ValidationIssue(ZodCodes.InvalidType, ZodMessages.ExpectedType("object", JsonTypeName.Of(body.Value)), [])]));
        }

        var issues = new IssueList();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var property in element.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                unknown.Add(property.Name);
                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.String)
            {
                issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", JsonTypeName.Of(property.Value)), [property.Name]);
                continue;
            }

            var text = property.Value.GetString()!;
            if (text.Length is 0 or > 1024)
            {
                issues.Add(
                    text.Length == 0 ? ZodCodes.TooSmall : ZodCodes.TooBig,
                    text.Length == 0 ? ZodMessages.StringTooSmall(1) : ZodMessages.StringTooBig(1024),
                    [property.Name]);
                continue;
            }

            values[property.Name] = text;
        }

        // Nango's first checks: a falsy client_id, then a falsy client_secret, each its own 400 — unless neither is
        // there at all, which here means the integration's app.
        var either = element.TryGetProperty("client_id", out _) || element.TryGetProperty("client_secret", out _);
        if (either && Missing(element, "client_id"))
        {
            return ParseResult<ClientCredentialsBody>.Invalid(ApiErrors.MissingParam("missing_client_id", "oauth_client_id"));
        }

        if (either && Missing(element, "client_secret"))
        {
            return ParseResult<ClientCredentialsBody>.Invalid(ApiErrors.MissingParam("missing_client_secret", "oauth_client_secret"));
        }

        issues.AddUnrecognizedKeys(unknown, []);
        if (!issues.IsEmpty)
        {
            return ParseResult<ClientCredentialsBody>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        return ParseResult<ClientCredentialsBody>.Valid(new ClientCredentialsBody(
            values.Count == 0 ? null : new OAuthClientCredentials(values["client_id"], values["client_secret"], [])));
    }

    /// <summary>What JavaScript's <c>!body[name]</c> finds missing: absent, <c>null</c>, <c>false</c>, <c>0</c> or <c>""</c>.</summary>
    private static bool Missing(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.False => true,
            JsonValueKind.String => value.GetString()!.Length == 0,
            JsonValueKind.Number => value.TryGetDouble(out var number) && number == 0,
            _ => false,
        };
}
